/// Where a product stands with its certificate on a day, and so what its producer must do next.
/// There is no automatic renewal: a certificate runs 36 months, the issuer notifies at least 30
/// days before it ends, and the product must be re-evaluated to stay an OCOP product
/// (DOMAIN.md, "Certification"). A dossier takes weeks, so the producer is told 90 days ahead.
public struct RenewalOutlook: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable {
        /// Published, more than `renewalWindowDays` to go.
        case valid
        /// Published, and within the window: time to file for re-evaluation.
        case renewSoon = "renew_soon"
        /// The last certificate ran out: not published until re-evaluated.
        case expired
        /// Revoked by the issuer.
        case revoked
        /// Certified below 3★: not an OCOP product; an upgrade may be filed at any time.
        case belowThreeStars = "below_three_stars"
        /// No certificate yet (a product being evaluated).
        case uncertified
    }

    public static let renewalWindowDays = 90

    public let state: State
    /// The certificate the state is about: the current one, else the latest issued.
    public let certificate: Certificate?
    /// Days from the day asked to the certificate's end (0 or less once it has ended).
    public let daysLeft: Int?

    public init(certificates: [Certificate], on day: CalendarDate) {
        if let current = PublicationRule.currentCertificate(among: certificates, on: day) {
            let days = current.expiresOn.daysSince1970 - day.daysSince1970
            self.init(state: days <= Self.renewalWindowDays ? .renewSoon : .valid, certificate: current, daysLeft: days)
            return
        }
        guard let latest = certificates.filter({ $0.issuedOn <= day }).max(by: { $0.issuedOn < $1.issuedOn }) else {
            self.init(state: .uncertified, certificate: nil, daysLeft: nil)
            return
        }
        let days = latest.expiresOn.daysSince1970 - day.daysSince1970
        let state: State =
            switch latest.status(on: day) {
            case .revoked: .revoked
            case .expired: .expired
            case .valid, .notYetValid: latest.stars < StarRating.certifiedMinimum ? .belowThreeStars : .uncertified
            }
        self.init(state: state, certificate: latest, daysLeft: days)
    }

    private init(state: State, certificate: Certificate?, daysLeft: Int?) {
        self.state = state
        self.certificate = certificate
        self.daysLeft = daysLeft
    }
}
