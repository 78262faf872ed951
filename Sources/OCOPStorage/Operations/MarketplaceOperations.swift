public import OCOPDomain

/// Marketplace listings and accounts as store operations (`Database.perform`).
extension MarketplaceListingStore {
    public func creation(_ new: NewListing, by identity: StaffIdentity, at now: Moment) -> StoreOperation<Listing> {
        StoreOperation { sql in try await create(new, by: identity, at: now, in: sql) }
    }

    public func syncRequest(_ id: Int, by identity: StaffIdentity, at now: Moment) -> StoreOperation<Listing> {
        StoreOperation { sql in try await requestSync(id, by: identity, at: now, in: sql) }
    }

    public func delisting(_ id: Int, by identity: StaffIdentity, at now: Moment) -> StoreOperation<Listing> {
        StoreOperation { sql in try await delist(id, by: identity, at: now, in: sql) }
    }
}

extension MarketplaceAccountStore {
    /// Connects an account (its credentials sealed).
    public func creation(_ account: NewMarketplaceAccount, actor: String, at now: Moment) -> StoreOperation<MarketplaceAccount> {
        StoreOperation { sql in try await create(account, actor: actor, at: now, in: sql) }
    }
}

extension FairStore {
    /// Gives a stall to an application's producer; `refusal` names why a producer may not have one.
    public func allocation(
        fair slug: String, stall code: String, application id: Int, actor: String, at now: Moment,
        refusal: @escaping @Sendable (String) -> String?
    ) -> StoreOperation<FairStall> {
        StoreOperation { sql in
            try await allocate(sql, fair: slug, stall: code, application: id, actor: actor, at: now, refusal: refusal)
        }
    }
}
