//! Support code of the contract test (`tests/contract.rs`).

pub mod examples;
pub mod prism;
pub mod synth;
