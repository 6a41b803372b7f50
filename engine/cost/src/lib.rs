//! Cost engine: catalog, pricing, equivalents, budgets, reports.
