//! Small pieces with no knowledge of the rest of kvwire.

pub mod uuid5;
