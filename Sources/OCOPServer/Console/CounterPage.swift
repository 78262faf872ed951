import OCOPDomain
import OCOPStorage

/// The counter's form and the receipt as template contexts.
enum CounterPage {
    static func context(
        cart: CounterCart, place: CounterPlace, free: [String: Int], skus: SKUDirectory, page: ConsolePage,
        choices: [(sku: String, label: String)]
    ) -> [String: Any] {
        let language = page.language
        var total = 0
        let lines = cart.lines.enumerated().map { index, line -> [String: Any] in
            let price = skus.price(line.sku) ?? 0
            // Checked, not trusted: the store computes the real amount; this is only the preview.
            let (gross, overflow) = price.multipliedReportingOverflow(by: line.quantity)
            let amount = overflow ? 0 : max(0, gross - line.discount)
            total = total.addingReportingOverflow(amount).overflow ? total : total + amount
            let available = free[line.sku] ?? 0
            return [
                "index": index, "sku": line.sku, "name": skus.name(line.sku), "quantity": line.quantity,
                "discount": line.discount, "unit_price": ShowroomFormat.price(price, language),
                "amount": ShowroomFormat.price(amount, language), "free": available, "short": line.quantity > available,
            ]
        }
        return [
            "heading": ConsoleWords.word("new_sale", language), "point_name": place.name,
            "point_href": page.link(place.path), "action": page.link(place.path + "/sale"),
            "lines": lines, "has_lines": !lines.isEmpty, "total": ShowroomFormat.price(total, language),
            "notes": cart.notes, "choices": choices.map { ["sku": $0.sku, "label": $0.label] },
            "has_choices": !choices.isEmpty,
            "payments": PaymentMethod.recordable.filter { $0 != .cashOnDelivery }.map { method -> [String: Any] in
                ["value": method.rawValue, "label": ConsoleWords.word("pay_" + method.rawValue, language)]
            },
        ]
    }

    static func receipt(_ sale: SaleRecord, place: CounterPlace, skus: SKUDirectory, page: ConsolePage) -> [String: Any] {
        let language = page.language
        return [
            "heading": ConsoleWords.word("receipt", language), "point_name": place.name, "address": place.address,
            "receipt_number": sale.receiptNumber, "time": ShowroomFormat.localTime(sale.at, language),
            "payment": ConsoleWords.word("pay_" + sale.paymentMethod, language),
            "total": ShowroomFormat.price(sale.total, language),
            "lines": sale.lines.map { line -> [String: Any] in
                [
                    "name": skus.name(line.sku), "sku": line.sku, "quantity": line.quantity,
                    "unit_price": ShowroomFormat.price(line.unitPrice, language),
                    "discount": ShowroomFormat.price(line.discount, language), "has_discount": line.discount > 0,
                    "amount": ShowroomFormat.price(line.amount, language),
                ]
            },
            "next_sale_href": page.link(place.path + "/sale"), "point_href": page.link(place.path),
        ]
    }
}
