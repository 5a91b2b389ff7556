//! Where an address is: its IANA special-purpose class (private, documentation, …), decided
//! here without any data, and, for a public address only, the country and autonomous
//! system a [`GeoLookup`] gives (the CLI reads a MaxMind-format `.mmdb` file the user
//! supplies; the project ships no geo data). Reserved and documentation ranges are
//! classified before any lookup, so a database entry for them is never shown.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::Serialize;

use super::alert::Alert;
use super::Report;

/// The special-purpose class of an address (IANA registries, RFC 6890 and successors).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum IpClass {
    /// A public address: the only class looked up in a geo database.
    Public,
    /// Private use: 10/8, 172.16/12, 192.168/16, fc00::/7.
    Private,
    /// Shared address space of carrier-grade NAT: 100.64/10.
    Shared,
    /// Loopback: 127/8, ::1.
    Loopback,
    /// Link-local: 169.254/16, fe80::/10.
    LinkLocal,
    /// Documentation examples: 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20.
    Documentation,
    /// Benchmarking: 198.18/15.
    Benchmarking,
    /// Multicast: 224/4, ff00::/8.
    Multicast,
    /// Unspecified: 0/8, ::.
    Unspecified,
    /// Reserved for protocol use or the future: 192.0.0/24, 240/4, 2001::/23, 100::/64, …
    Reserved,
}

impl IpClass {
    /// `public`, `private`, `shared`, `loopback`, `link_local`, `documentation`,
    /// `benchmarking`, `multicast`, `unspecified`, `reserved`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Private => "private",
            Self::Shared => "shared",
            Self::Loopback => "loopback",
            Self::LinkLocal => "link_local",
            Self::Documentation => "documentation",
            Self::Benchmarking => "benchmarking",
            Self::Multicast => "multicast",
            Self::Unspecified => "unspecified",
            Self::Reserved => "reserved",
        }
    }
}

const V4: &[(u32, u8, IpClass)] = &[
    (0x0000_0000, 8, IpClass::Unspecified),
    (0x0a00_0000, 8, IpClass::Private),
    (0x6440_0000, 10, IpClass::Shared),
    (0x7f00_0000, 8, IpClass::Loopback),
    (0xa9fe_0000, 16, IpClass::LinkLocal),
    (0xac10_0000, 12, IpClass::Private),
    (0xc000_0000, 24, IpClass::Reserved),
    (0xc000_0200, 24, IpClass::Documentation),
    (0xc058_6300, 24, IpClass::Reserved),
    (0xc0a8_0000, 16, IpClass::Private),
    (0xc612_0000, 15, IpClass::Benchmarking),
    (0xc633_6400, 24, IpClass::Documentation),
    (0xcb00_7100, 24, IpClass::Documentation),
    (0xe000_0000, 4, IpClass::Multicast),
    (0xf000_0000, 4, IpClass::Reserved),
];

const V6: &[(u128, u8, IpClass)] = &[
    (0, 128, IpClass::Unspecified),
    (1, 128, IpClass::Loopback),
    (0x0100_0000_0000_0000 << 64, 64, IpClass::Reserved),
    (0x2001_0db8 << 96, 32, IpClass::Documentation),
    (0x2001 << 112, 23, IpClass::Reserved),
    (0x3fff << 112, 20, IpClass::Documentation),
    (0xfc00 << 112, 7, IpClass::Private),
    (0xfe80 << 112, 10, IpClass::LinkLocal),
    (0xff00 << 112, 8, IpClass::Multicast),
];

/// The class of `ip`. An IPv4-mapped IPv6 address is classified as its IPv4 address.
pub fn classify(ip: IpAddr) -> IpClass {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => classify_v4(v4),
            None => classify_v6(v6),
        },
    }
}

fn classify_v4(ip: Ipv4Addr) -> IpClass {
    let n = u32::from(ip);
    V4.iter()
        .find(|(net, len, _)| (n ^ net).checked_shr(32 - u32::from(*len)) == Some(0))
        .map_or(IpClass::Public, |(_, _, c)| *c)
}

fn classify_v6(ip: Ipv6Addr) -> IpClass {
    let n = u128::from(ip);
    V6.iter()
        .find(|(net, len, _)| {
            *len == 128 && n == *net
                || (*len < 128 && (n ^ net).checked_shr(128 - u32::from(*len)) == Some(0))
        })
        .map_or(IpClass::Public, |(_, _, c)| *c)
}

/// What a geo database knows about a public address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GeoInfo {
    /// ISO 3166-1 alpha-2 country code (`DE`).
    pub country: Option<String>,
    /// Autonomous system number.
    pub asn: Option<u32>,
    /// The autonomous system's organisation.
    pub as_org: Option<String>,
}

/// A source of country and AS data (the CLI's `.mmdb` reader). Only public addresses are
/// ever asked.
pub trait GeoLookup {
    /// What is known about `ip` (all `None` when nothing is).
    fn lookup(&self, ip: IpAddr) -> GeoInfo;
}

/// One address of an alert with its class and, when a database was given, its country
/// and autonomous system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Location {
    /// The address.
    pub ip: String,
    /// Its special-purpose class (`public` unless it is in a reserved range).
    pub class: IpClass,
    /// Country code, from the database (public addresses only).
    pub country: Option<String>,
    /// Autonomous system number, from the database (public addresses only).
    pub asn: Option<u32>,
    /// Autonomous system organisation, from the database (public addresses only).
    pub as_org: Option<String>,
}

/// `ip` classified, then looked up in `geo` when it is public.
pub fn locate(ip: IpAddr, geo: Option<&dyn GeoLookup>) -> Location {
    let class = classify(ip);
    let info = match (class, geo) {
        (IpClass::Public, Some(g)) => g.lookup(ip),
        _ => GeoInfo::default(),
    };
    Location {
        ip: ip.to_string(),
        class,
        country: info.country,
        asn: info.asn,
        as_org: info.as_org,
    }
}

impl Report {
    /// Fills each alert's [`locations`](Alert::locations) from its top IPs: the class of
    /// every address, and country and AS from `geo` for public ones.
    pub fn locate(&mut self, geo: Option<&dyn GeoLookup>) {
        for alert in &mut self.alerts {
            locate_alert(alert, geo);
        }
    }
}

fn locate_alert(alert: &mut Alert, geo: Option<&dyn GeoLookup>) {
    alert.locations = alert
        .top_ips
        .iter()
        .filter_map(|(ip, _)| ip.parse().ok())
        .map(|ip| locate(ip, geo))
        .collect();
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn c(s: &str) -> &'static str {
        classify(s.parse().unwrap()).as_str()
    }

    #[test]
    fn special_purpose_ranges() {
        for (ip, class) in [
            ("8.8.8.8", "public"),
            ("81.2.69.160", "public"),
            ("0.1.2.3", "unspecified"),
            ("10.9.9.9", "private"),
            ("100.64.0.1", "shared"),
            ("100.128.0.1", "public"),
            ("127.0.0.1", "loopback"),
            ("169.254.1.1", "link_local"),
            ("172.16.0.1", "private"),
            ("172.31.255.255", "private"),
            ("172.32.0.1", "public"),
            ("192.0.0.8", "reserved"),
            ("192.0.2.10", "documentation"),
            ("192.88.99.1", "reserved"),
            ("192.168.1.1", "private"),
            ("198.18.0.1", "benchmarking"),
            ("198.19.255.1", "benchmarking"),
            ("198.20.0.1", "public"),
            ("198.51.100.77", "documentation"),
            ("203.0.113.50", "documentation"),
            ("203.0.114.1", "public"),
            ("224.0.0.1", "multicast"),
            ("240.0.0.1", "reserved"),
            ("255.255.255.255", "reserved"),
            ("::", "unspecified"),
            ("::1", "loopback"),
            ("::ffff:10.0.0.1", "private"),
            ("::ffff:8.8.8.8", "public"),
            ("100::1", "reserved"),
            ("2001:db8:10::7", "documentation"),
            ("2001:db9::1", "public"),
            ("2001:1::1", "reserved"),
            ("2001:200::1", "public"),
            ("3fff:1::1", "documentation"),
            ("fd00::1", "private"),
            ("fe80::1", "link_local"),
            ("ff02::1", "multicast"),
            ("2a00:1450::1", "public"),
        ] {
            assert_eq!(c(ip), class, "{ip}");
        }
    }

    struct Everywhere;
    impl GeoLookup for Everywhere {
        fn lookup(&self, _: IpAddr) -> GeoInfo {
            GeoInfo {
                country: Some("ZZ".into()),
                asn: Some(64_496),
                as_org: Some("Example".into()),
            }
        }
    }

    #[test]
    fn only_public_addresses_are_looked_up() {
        let l = locate("198.51.100.7".parse().unwrap(), Some(&Everywhere));
        assert_eq!(
            (l.class, l.country, l.asn),
            (IpClass::Documentation, None, None)
        );
        let l = locate("8.8.4.4".parse().unwrap(), Some(&Everywhere));
        assert_eq!(
            (l.class, l.country.as_deref(), l.asn),
            (IpClass::Public, Some("ZZ"), Some(64_496))
        );
        let l = locate("8.8.4.4".parse().unwrap(), None);
        assert_eq!((l.class, l.country), (IpClass::Public, None));
    }
}
