/// An item of a paged Describe* answer, and the two names the RPC style wraps its list in.
public protocol ECSPageItem: Codable, Sendable, Equatable {
    /// `("Images", "Image")` for `{"Images": {"Image": [ … ]}}`.
    static var listKeys: (outer: String, inner: String) { get }
}

/// One page of a Describe* answer. DescribeImages and DescribeTasks carry the same paging
/// fields around their list and differ only in the item type and the list's wrapper names, so
/// the lenient decoding (and the defaults for a missing field) is written once here.
public struct ECSPage<Item: ECSPageItem>: Codable, Sendable, Equatable {
    public var requestId: String
    public var regionId: String?
    public var totalCount: Int
    public var pageNumber: Int
    public var pageSize: Int
    public var items: [Item]

    public init(requestId: String, regionId: String?, totalCount: Int, pageNumber: Int = 1, pageSize: Int = 10, items: [Item]) {
        self.requestId = requestId
        self.regionId = regionId
        self.totalCount = totalCount
        self.pageNumber = pageNumber
        self.pageSize = pageSize
        self.items = items
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: ECSKey.self)
        requestId = c.string("RequestId") ?? ""
        regionId = c.string("RegionId")
        items = try c.list(Item.listKeys.outer, Item.listKeys.inner, as: Item.self)
        // Missing paging fields get the one-page defaults rather than failing the whole answer.
        totalCount = c.int("TotalCount") ?? items.count
        pageNumber = c.int("PageNumber") ?? 1
        pageSize = c.int("PageSize") ?? 10
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: ECSKey.self)
        try c.put(requestId, "RequestId")
        try c.put(regionId, "RegionId")
        try c.put(totalCount, "TotalCount")
        try c.put(pageNumber, "PageNumber")
        try c.put(pageSize, "PageSize")
        try c.putList(items, Item.listKeys.outer, Item.listKeys.inner)
    }
}
