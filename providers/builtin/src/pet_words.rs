//! Word lists for `random_pet`.
//!
//! These lists are our own, written for AutoStack: they are not copied from
//! golang-petname (which hashicorp/random uses), so generated names have the same shape
//! (`adverb-…-adjective-name`) but come from a different vocabulary.

/// Adverbs, used for the third and later words (counting from the end).
#[rustfmt::skip]
pub(crate) const ADVERBS: &[&str] = &[
    "boldly", "briskly", "calmly", "carefully", "cheerfully", "cleanly", "closely", "curiously",
    "daily", "deeply", "eagerly", "easily", "evenly", "fairly", "firmly", "freely", "gently",
    "gladly", "gracefully", "happily", "honestly", "humbly", "kindly", "lightly", "literally",
    "loosely", "loudly", "lovingly", "merrily", "mildly", "neatly", "nicely", "openly", "patiently",
    "politely", "promptly", "proudly", "quickly", "quietly", "rapidly", "rarely", "readily",
    "really", "safely", "sharply", "simply", "smoothly", "softly", "solidly", "steadily", "sternly",
    "strongly", "surely", "swiftly", "tenderly", "truly", "vastly", "warmly", "wildly", "wisely",
];

/// Adjectives, used for the second-to-last word.
#[rustfmt::skip]
pub(crate) const ADJECTIVES: &[&str] = &[
    "able", "agile", "alert", "amber", "ample", "amused", "ancient", "apt", "ardent", "arctic",
    "artful", "azure", "balmy", "bold", "bouncy", "brave", "breezy", "bright", "brisk", "bronze",
    "busy", "calm", "candid", "careful", "casual", "cheery", "chief", "civic", "clean", "clear",
    "clever", "coastal", "cosmic", "cozy", "crisp", "curious", "daring", "dapper", "dazzling",
    "decent", "deep", "deft", "eager", "early", "earnest", "easy", "elated", "electric", "elegant",
    "epic", "even", "exact", "fair", "famous", "fancy", "fast", "fearless", "festive", "fine",
    "firm", "fit", "fleet", "fluent", "fond", "frank", "free", "fresh", "friendly", "frosty",
    "funny", "gallant", "gentle", "giant", "gifted", "glad", "golden", "good", "grand", "great",
    "green", "handy", "happy", "hardy", "hearty", "helpful", "heroic", "honest", "humble", "ideal",
    "jolly", "jovial", "joyful", "keen", "kind", "large", "lasting", "lively", "loyal", "lucid",
    "lucky", "lunar", "magic", "major", "mellow", "merry", "mighty", "mint", "modest", "moral",
    "musical", "native", "neat", "nimble", "noble", "novel", "open", "patient", "peaceful",
    "perfect", "plucky", "polite", "precise", "prime", "proper", "proud", "quick", "quiet",
    "radiant", "rapid", "ready", "regal", "robust", "rosy", "royal", "rugged", "rustic", "safe",
    "sage", "sharp", "shiny", "silent", "silver", "simple", "sincere", "smart", "smooth", "snappy",
    "solar", "solid", "sound", "sparkling", "speedy", "spry", "stable", "steady", "stellar",
    "still", "sturdy", "sunny", "super", "superb", "sure", "swift", "tender", "thankful", "tidy",
    "tough", "tranquil", "true", "trusty", "upbeat", "valiant", "vast", "vivid", "warm", "wise",
    "witty", "worthy", "young", "zany", "zesty",
];

/// Names (animals), used for the last word.
#[rustfmt::skip]
pub(crate) const NAMES: &[&str] = &[
    "aardvark", "albatross", "alpaca", "anchovy", "ant", "antelope", "armadillo", "badger",
    "barracuda", "bat", "bear", "beaver", "bee", "beetle", "bison", "blackbird", "boar", "bobcat",
    "buffalo", "bull", "bunny", "butterfly", "buzzard", "camel", "canary", "caribou", "cat",
    "catfish", "cheetah", "chicken", "chipmunk", "cicada", "clam", "cobra", "cod", "condor",
    "coral", "cougar", "cow", "coyote", "crab", "crane", "cricket", "crow", "cuckoo", "deer",
    "dingo", "dodo", "dog", "dolphin", "donkey", "dove", "dragon", "duck", "eagle", "eel", "egret",
    "elephant", "elk", "emu", "falcon", "ferret", "finch", "firefly", "flamingo", "fox", "frog",
    "gazelle", "gecko", "gibbon", "giraffe", "gnu", "goat", "goldfish", "goose", "gopher",
    "gorilla", "grouse", "gull", "hamster", "hare", "hawk", "hedgehog", "heron", "herring", "hippo",
    "hornet", "horse", "hound", "hummingbird", "ibex", "ibis", "iguana", "impala", "jackal",
    "jaguar", "jay", "jellyfish", "kangaroo", "kingfisher", "kite", "kiwi", "koala", "koi", "krill",
    "ladybug", "lamb", "lark", "lemming", "lemur", "leopard", "lion", "lizard", "llama", "lobster",
    "lynx", "macaw", "magpie", "mallard", "manatee", "mantis", "marlin", "marmot", "meerkat",
    "mink", "mole", "mongoose", "moose", "moth", "mouse", "mule", "narwhal", "newt", "ocelot",
    "octopus", "opossum", "orca", "oriole", "osprey", "ostrich", "otter", "owl", "ox", "oyster",
    "panda", "panther", "parrot", "peacock", "pelican", "penguin", "pheasant", "pigeon", "pika",
    "piranha", "platypus", "pony", "porcupine", "possum", "puffin", "puma", "quail", "rabbit",
    "raccoon", "ram", "raven", "reindeer", "robin", "salmon", "sardine", "seal", "shark", "sheep",
    "shrimp", "skunk", "sloth", "snail", "sparrow", "squid", "squirrel", "starfish", "stork",
    "swan", "tapir", "termite", "tiger", "toad", "tortoise", "toucan", "trout", "tuna", "turkey",
    "turtle", "viper", "vulture", "wallaby", "walrus", "wasp", "weasel", "whale", "wolf", "wombat",
    "woodpecker", "wren", "yak", "zebra",
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn words_are_lowercase_unique_letters() {
        for list in [ADVERBS, ADJECTIVES, NAMES] {
            assert!(list
                .iter()
                .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())));
            assert_eq!(list.iter().collect::<HashSet<_>>().len(), list.len());
        }
    }
}
