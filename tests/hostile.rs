//! Hostile input (issue 14): names, paths and text from users and files are confined,
//! validated and escaped; every command says what is true.

mod voices;
