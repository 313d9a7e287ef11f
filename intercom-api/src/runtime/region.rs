//! Intercom data-hosting regions.

use std::fmt;

/// The Intercom region (data-hosting location) of a workspace.
///
/// Each region has its own API host; a token only works against the region its
/// workspace lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Region {
    /// United States: `https://api.intercom.io` (the default).
    #[default]
    Us,
    /// Europe: `https://api.eu.intercom.io`.
    Eu,
    /// Australia: `https://api.au.intercom.io`.
    Au,
}

impl Region {
    /// The API base URL of this region, without a trailing slash.
    pub const fn base_url(self) -> &'static str {
        match self {
            Region::Us => "https://api.intercom.io",
            Region::Eu => "https://api.eu.intercom.io",
            Region::Au => "https://api.au.intercom.io",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Region::Us => "us",
            Region::Eu => "eu",
            Region::Au => "au",
        })
    }
}
