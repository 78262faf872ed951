import Hummingbird
import OCOPDomain
import OCOPStorage

/// `POST /v1/auth/login`, `POST /v1/auth/logout`. (Stub: the auth work fills this in.)
struct AuthController: Sendable {
    let database: Database
    let clock: any WallClock
    let settings: AuthSettings

    func addRoutes(to group: RouterGroup<AppRequestContext>) {}
}
