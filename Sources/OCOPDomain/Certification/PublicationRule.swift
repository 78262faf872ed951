/// The rule that decides whether a product is public, listable, and shows the OCOP mark.
public enum PublicationRule {
    /// The certificate that makes a product publishable on `day`: valid, unrevoked, 3★ or more.
    /// With several valid ones (an upgrade filed before the old one ran out) the latest issued wins.
    public static func currentCertificate(among certificates: [Certificate], on day: CalendarDate) -> Certificate? {
        certificates
            .filter { $0.status(on: day) == .valid && $0.stars >= StarRating.certifiedMinimum }
            .max { ($0.issuedOn, $0.stars.value) < ($1.issuedOn, $1.stars.value) }
    }

    /// Whether a product with these certificates is publishable on `day`.
    public static func isPublishable(_ certificates: [Certificate], on day: CalendarDate) -> Bool {
        currentCertificate(among: certificates, on: day) != nil
    }

    /// The first day after `day` on which the answer of `isPublishable` may change: the next expiry,
    /// issue or revocation date among the certificates. The snapshot rebuilds itself then.
    public static func nextChange(among certificates: [Certificate], after day: CalendarDate) -> CalendarDate? {
        certificates.flatMap { [$0.issuedOn, $0.expiresOn, $0.revokedOn].compactMap { $0 } }
            .filter { $0 > day }
            .min()
    }
}
