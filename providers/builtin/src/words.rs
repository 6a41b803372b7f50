//! Word lists for `random_pet` (our own lists of common, inoffensive English words).

/// Adverbs, used for the third word from the end.
pub const ADVERBS: &[&str] = &[
    "ably", "actively", "amazingly", "boldly", "bravely", "briefly", "brightly", "calmly", "carefully", "cheaply", "cleanly", "clearly", "closely", "correctly", "curiously", "deeply",
    "eagerly", "easily", "evenly", "exactly", "fairly", "finally", "firmly", "freely", "gently", "gladly", "greatly", "happily", "honestly", "kindly", "largely", "lightly", "loudly",
    "luckily", "mainly", "merely", "mildly", "neatly", "nicely", "openly", "partly", "politely", "promptly", "properly", "quickly", "quietly", "rapidly", "rarely", "readily",
    "really", "safely", "sharply", "simply", "slowly", "smoothly", "softly", "solely", "steadily", "strongly", "surely", "swiftly", "truly", "vastly", "warmly", "wholly", "widely",
];

/// Adjectives, used before the name.
pub const ADJECTIVES: &[&str] = &[
    "able", "active", "adapted", "alert", "amazed", "apt", "awake", "big", "bold", "brave", "bright", "brief", "busy", "calm", "capable", "careful", "central", "civil", "clean",
    "clear", "clever", "close", "cool", "cosmic", "crisp", "curious", "daring", "deep", "direct", "eager", "easy", "epic", "exact", "fair", "fast", "fine", "firm", "fit", "fluent",
    "free", "fresh", "full", "game", "gentle", "giving", "glad", "golden", "good", "grand", "great", "happy", "hardy", "helpful", "honest", "humble", "ideal", "keen", "kind",
    "large", "legal", "light", "literate", "live", "loved", "loyal", "lucky", "magical", "main", "mature", "merry", "mighty", "modest", "moral", "natural", "neat", "new", "nice",
    "noble", "open", "optimal", "patient", "perfect", "pleasant", "polite", "precise", "present", "pretty", "prime", "proper", "proud", "quick", "quiet", "rapid", "rare", "ready",
    "real", "regular", "relaxed", "renewed", "rich", "robust", "safe", "sharp", "shining", "simple", "smart", "smooth", "social", "solid", "sound", "special", "stable", "steady",
    "strong", "sunny", "super", "sure", "sweet", "swift", "tender", "tidy", "topical", "trusty", "valid", "vast", "verified", "vital", "warm", "welcome", "whole", "wise", "witty",
];

/// Animal names, the last word.
pub const NAMES: &[&str] = &[
    "aardvark", "albatross", "alpaca", "ant", "antelope", "badger", "bat", "bear", "beaver", "bee", "beetle", "bison", "boar", "bobcat", "buffalo", "bull", "butterfly", "camel",
    "cardinal", "cat", "cheetah", "chicken", "chipmunk", "cicada", "clam", "cobra", "condor", "cougar", "cow", "coyote", "crab", "crane", "cricket", "crow", "deer", "dingo",
    "dodo", "dog", "dolphin", "donkey", "dove", "dragon", "duck", "eagle", "eel", "egret", "elephant", "elk", "emu", "falcon", "ferret", "finch", "fish", "flamingo", "fly", "fox",
    "frog", "gannet", "gazelle", "gecko", "gibbon", "giraffe", "gnu", "goat", "goldfish", "goose", "gopher", "gorilla", "grouse", "gull", "hamster", "hare", "hawk", "hedgehog",
    "heron", "hippo", "hornet", "horse", "hound", "hyena", "ibex", "iguana", "impala", "jackal", "jaguar", "jay", "kangaroo", "kid", "kingfisher", "kite", "kiwi", "koala", "krill",
    "lamb", "lark", "lemur", "leopard", "lion", "lizard", "llama", "lobster", "lynx", "macaw", "magpie", "mako", "mallard", "mammoth", "manatee", "mantis", "marlin", "marmot",
    "martin", "mole", "mongoose", "monkey", "moose", "moth", "mouse", "mule", "mustang", "newt", "ocelot", "octopus", "orca", "osprey", "ostrich", "otter", "owl", "ox", "oyster",
    "panda", "panther", "parrot", "peacock", "pelican", "penguin", "pheasant", "pig", "pigeon", "pika", "piranha", "platypus", "pony", "poodle", "porpoise", "possum", "puffin",
    "puma", "quail", "rabbit", "raccoon", "ram", "raven", "reindeer", "rhino", "robin", "rooster", "salmon", "seal", "shark", "sheep", "shrimp", "skunk", "sloth", "snail", "snake",
    "sparrow", "spider", "squid", "squirrel", "stag", "starfish", "stork", "swan", "swift", "tapir", "termite", "tiger", "toad", "tortoise", "toucan", "trout", "turkey", "turtle",
    "unicorn", "viper", "vulture", "wallaby", "walrus", "wasp", "weasel", "whale", "wildcat", "wolf", "wombat", "woodcock", "worm", "wren", "yak", "zebra",
];
