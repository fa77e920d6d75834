//! dalaba
