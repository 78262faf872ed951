/// One raw comment from a livestream, as a platform webhook or a pasted export delivers it.
public struct LiveComment: Hashable, Sendable {
    /// The platform's id for the viewer; stable across the viewer's comments.
    public var viewerID: String
    /// The viewer's display name.
    public var viewerName: String
    /// The comment as written.
    public var text: String
    /// When the comment was posted.
    public var postedAt: Moment

    public init(viewerID: String, viewerName: String, text: String, postedAt: Moment) {
        self.viewerID = viewerID
        self.viewerName = viewerName
        self.text = text
        self.postedAt = postedAt
    }
}
