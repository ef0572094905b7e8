//! RFC 9562 UUIDv5 (SHA-1, name-based): the same inputs always give the same UUID, so a replayed
//! role-assignment PUT targets the same name instead of creating a twin.

/// kvwire's namespace for role-assignment names (a fixed random UUID).
pub const ROLE_ASSIGNMENT_NAMESPACE: [u8; 16] = [
    0x6b, 0x76, 0x77, 0x69, 0x72, 0x65, 0x4e, 0x11, 0x9a, 0x3d, 0x2c, 0x51, 0x7f, 0x0e, 0x88, 0x42,
];

pub fn v5(namespace: &[u8; 16], name: &str) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY);
    ctx.update(namespace);
    ctx.update(name.as_bytes());
    let digest = ctx.finish();
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest.as_ref()[..16]);
    b[6] = (b[6] & 0x0f) | 0x50; // version 5
    b[8] = (b[8] & 0x3f) | 0x80; // RFC variant
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_rfc_example() {
        // RFC 9562 appendix A.4: DNS namespace, "www.example.com".
        let dns = [
            0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
        ];
        assert_eq!(v5(&dns, "www.example.com"), "2ed6657d-e927-568b-95e1-2665a8aea6a2");
    }
}
