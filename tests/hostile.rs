//! Hostile input (issue 14): names, paths and text from users and files are confined,
//! validated and escaped; every command says what is true.

mod approval;
mod check;
mod escape;
mod examples;
mod fuzz;
mod honest;
mod limits;
mod out;
mod permissions;
mod plan;
mod readme;
mod secrets;
mod station;
mod voices;
