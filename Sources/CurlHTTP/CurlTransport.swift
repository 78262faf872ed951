import CCurl
import NIOPosix
import Synchronization

/// `HTTPTransport` over libcurl: TLS verification on, redirects off, a per-request timeout, a cap on
/// the response size, cancellation, and connection reuse through a pool of easy handles. Each
/// transfer blocks a thread of the transport's own pool (`outboundThreads`), never Swift's
/// cooperative pool nor NIO's shared one, where bcrypt and file reads run: a remote that never
/// answers then holds up outbound calls only, not logins.
public final class CurlTransport: HTTPTransport {
    /// Largest response body accepted; larger answers fail rather than fill memory.
    public let maxResponseBytes: Int
    private let idleHandles = Mutex<[HandleBox]>([])
    private static let maxIdleHandles = 8

    public init(maxResponseBytes: Int = 8 * 1024 * 1024) {
        self.maxResponseBytes = maxResponseBytes
        _ = Self.globalInit
    }

    deinit {
        for box in idleHandles.withLock({ $0 }) { curl_easy_cleanup(box.handle) }
    }

    /// Transfers that can block at once; more wait their turn. Callers are few (one lane per
    /// marketplace, the job worker), so this bound is reached only when remotes hang.
    public static let outboundThreads = 16

    private static let outboundPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: outboundThreads)
        pool.start()
        return pool
    }()

    // curl_global_init is not thread-safe; a static let runs it exactly once.
    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public func send(_ request: OutboundRequest) async throws -> OutboundResponse {
        let transfer = Transfer(maxBytes: maxResponseBytes)
        let box = takeHandle()
        defer { returnHandle(box) }
        return try await withTaskCancellationHandler {
            try await Self.outboundPool.runIfActive {
                try Self.perform(request, handle: box.handle, transfer: transfer)
            }
        } onCancel: {
            transfer.cancelled.store(true, ordering: .relaxed)
        }
    }

    // MARK: - Handles

    /// An easy handle; kept between requests so its connection cache is reused.
    private final class HandleBox: @unchecked Sendable {
        // Safe: a box is used by one transfer at a time (taken from and returned to the pool).
        let handle: UnsafeMutableRawPointer
        init(_ handle: UnsafeMutableRawPointer) { self.handle = handle }
    }

    private func takeHandle() -> HandleBox {
        if let box = idleHandles.withLock({ $0.popLast() }) { return box }
        return HandleBox(curl_easy_init()!)
    }

    private func returnHandle(_ box: HandleBox) {
        let kept = idleHandles.withLock { idle in
            guard idle.count < Self.maxIdleHandles else { return false }
            idle.append(box)
            return true
        }
        if !kept { curl_easy_cleanup(box.handle) }
    }

    // MARK: - One transfer

    /// Collects what libcurl hands back, and carries the cancel flag into its callbacks.
    final class Transfer: @unchecked Sendable {
        // Safe: written only from libcurl's callbacks on the one thread running the transfer, and
        // read after curl_easy_perform returns on that same thread.
        var body: [UInt8] = []
        var headerLines: [String] = []
        var tooLarge = false
        /// Set by the socket callback when a `publicAddressesOnly` request met an internal address.
        let refusedAddress = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        let maxBytes: Int
        let cancelled = Atomic<Bool>(false)
        init(maxBytes: Int) {
            self.maxBytes = maxBytes
            refusedAddress.initialize(to: 0)
        }
        deinit { refusedAddress.deallocate() }
    }

    private static func perform(
        _ request: OutboundRequest, handle: UnsafeMutableRawPointer, transfer: Transfer
    ) throws -> OutboundResponse {
        curl_easy_reset(handle)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for (name, value) in request.headers {
            headerList = curl_slist_append(headerList, "\(name): \(value)")
        }
        headerList = curl_slist_append(headerList, "Expect:")  // no 100-continue round trip

        let milliseconds = request.timeout.components.seconds * 1000 + request.timeout.components.attoseconds / 1_000_000_000_000_000
        let body = request.body
        let result: CURLcode = request.url.withCString { url in
            request.method.withCString { method in
                body.withUnsafeBufferPointer { bytes in
                    ocop_curl_setopt_pointer(handle, CURLOPT_URL, url)
                    ocop_curl_setopt_pointer(handle, CURLOPT_CUSTOMREQUEST, method)
                    ocop_curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, headerList)
                    ocop_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
                    ocop_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1)
                    ocop_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2)
                    ocop_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(milliseconds))
                    ocop_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(min(milliseconds, 10_000)))
                    ocop_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
                    ocop_curl_setopt_pointer(handle, CURLOPT_PROTOCOLS_STR, "http,https")
                    if request.publicAddressesOnly {
                        ocop_curl_only_public_addresses(handle, transfer.refusedAddress)
                        ocop_curl_setopt_long(handle, CURLOPT_FRESH_CONNECT, 1)  // never a cached connection
                        // No proxy from the environment: the address checked must be the destination's.
                        ocop_curl_setopt_pointer(handle, CURLOPT_PROXY, "")
                    }
                    if request.method == "HEAD" { ocop_curl_setopt_long(handle, CURLOPT_NOBODY, 1) }
                    if !bytes.isEmpty || ["POST", "PUT", "PATCH"].contains(request.method) {
                        ocop_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, bytes.baseAddress)
                        ocop_curl_setopt_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
                    }
                    let context = Unmanaged.passUnretained(transfer).toOpaque()
                    ocop_curl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, writeBody)
                    ocop_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
                    ocop_curl_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, writeHeader)
                    ocop_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
                    ocop_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
                    ocop_curl_setopt_progress_callback(handle, checkCancelled)
                    ocop_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, context)
                    return curl_easy_perform(handle)
                }
            }
        }
        guard result == CURLE_OK else {
            if transfer.tooLarge {
                throw TransportError("the response is larger than \(transfer.maxBytes) bytes", isTransient: false)
            }
            if transfer.cancelled.load(ordering: .relaxed) { throw CancellationError() }
            if transfer.refusedAddress.pointee != 0 {
                throw TransportError(
                    "\(request.method) \(RedactedURL.text(request.url)): refused: the name leads to a loopback, private or link-local address",
                    isTransient: false)
            }
            let message = String(cString: curl_easy_strerror(result))
            let transient = [CURLE_OPERATION_TIMEDOUT, CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST,
                CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING].contains(result)
            throw TransportError("\(request.method) \(RedactedURL.text(request.url)): \(message)", isTransient: transient)
        }
        var status = 0
        ocop_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return OutboundResponse(status: status, headers: parseHeaders(transfer.headerLines), body: transfer.body)
    }

    /// The headers of the last response (after any 1xx answers).
    private static func parseHeaders(_ lines: [String]) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        for line in lines {
            if line.hasPrefix("HTTP/") {
                headers.removeAll()
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon])
            let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: " \t\r\n")
            headers.append((name, value))
        }
        return headers
    }
}

// MARK: - libcurl callbacks (C function pointers: no captures, context through the user pointer)

private func writeBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let transfer = Unmanaged<CurlTransport.Transfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    guard transfer.body.count + length <= transfer.maxBytes else {
        transfer.tooLarge = true
        return 0  // makes libcurl stop with CURLE_WRITE_ERROR
    }
    data.withMemoryRebound(to: UInt8.self, capacity: length) {
        transfer.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
    }
    return length
}

private func writeHeader(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let transfer = Unmanaged<CurlTransport.Transfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
    }
    transfer.headerLines.append(line)
    return length
}

private func checkCancelled(
    _ context: UnsafeMutableRawPointer?, _: curl_off_t, _: curl_off_t, _: curl_off_t, _: curl_off_t
) -> Int32 {
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransport.Transfer>.fromOpaque(context).takeUnretainedValue()
    return transfer.cancelled.load(ordering: .relaxed) ? 1 : 0
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text.removeFirst() }
        while let last = text.last, set.contains(last) { text.removeLast() }
        return String(text)
    }
}
