//! SQLite state: articles, approvals, as-run log. [edge]
