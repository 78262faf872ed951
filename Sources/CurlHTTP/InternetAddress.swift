import CCurl

/// Whether a literal address is on the public internet (not loopback, private, link-local, metadata,
/// multicast or reserved): the rule the transport applies to `publicAddressesOnly` connections.
public enum InternetAddress {
    /// For an IPv4 or IPv6 literal ("10.0.0.1", "::1", "[fd00::1]"): whether it is public; nil for a name.
    public static func isPublicLiteral(_ host: String) -> Bool? {
        let bare = String(host.drop(while: { $0 == "[" }).prefix(while: { $0 != "]" }))
        var v4 = in_addr()
        if inet_pton(AF_INET, bare, &v4) == 1 { return ocop_is_public_ipv4(UInt32(bigEndian: v4.s_addr)) != 0 }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, bare, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { bytes in
                ocop_is_public_ipv6(bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)) != 0
            }
        }
        return nil
    }
}
