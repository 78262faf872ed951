/// The words of a point's marketplace orders page.
extension ConsoleWords {
    static let orders: [String: (vi: String, en: String)] = [
        "marketplace_orders": ("Đơn sàn TMĐT", "Marketplace orders"),
        "marketplace_orders_help": ("Đơn đặt trên sàn (Shopee, Lazada, TikTok Shop, Tiki) trừ kho của điểm này. Đơn chờ hàng hoàn: bấm khi hàng đã về kho.", "Orders placed on marketplaces (Shopee, Lazada, TikTok Shop, Tiki) move this point's stock. For a return expected, press once the goods are back."),
        "no_marketplace_orders": ("Chưa có đơn nào từ sàn.", "No marketplace orders yet."),
        "order_col": ("Đơn", "Order"),
        "items_col": ("Hàng", "Items"),
        "state_col": ("Kho", "Stock"),
        "not_matched": ("không khớp sản phẩm nào", "matches no listing"),
        "line_units_cancelled": ("{n} đã huỷ, còn trên kệ", "{n} cancelled, still on the shelf"),
        "goods_back": ("Hàng hoàn đã về kho", "The goods are back"),
        "order_goods_back": ("Đã nhập lại kho hàng của đơn {id}.", "Order {id}'s goods are back on the shelf."),
        "order_state_none": ("Chưa trừ kho", "Nothing moved"),
        "order_state_held": ("Đang giữ hàng", "Units held"),
        "order_state_short": ("Thiếu hàng: chưa trừ", "Short of stock: nothing moved"),
        "order_state_sold": ("Đã bán", "Sold"),
        "order_state_released": ("Đã huỷ, bỏ giữ hàng", "Cancelled, hold released"),
        "order_state_restocked": ("Đã nhập lại kho", "Back on the shelf"),
        "order_state_return_expected": ("Chờ hàng hoàn về", "Return expected"),
        "order_state_written_off": ("Thất lạc khi giao", "Lost in delivery"),
    ]
}
