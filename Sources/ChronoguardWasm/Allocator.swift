// MARK: - Heap

/// The module's heap: there is no libc under `wasm32-unknown-none-wasm`, so this provides the `posix_memalign`,
/// `malloc`, `free`, `calloc` and `realloc` that Embedded Swift's runtime (and the exported ``cgAlloc(_:)``) call.
///
/// Size classes of powers of two from 16 bytes to 2 GiB, each with its own free list; a block is never split or
/// merged, so freeing and reusing are O(1) and a stray pointer can never corrupt a neighbour's bookkeeping. Fresh
/// blocks are carved from the top of the heap, which grows the linear memory (`memory.grow`) when it runs out. Every
/// block starts with a 16-byte header (class, a magic word, the offset back to the block start for over-aligned
/// requests), so payloads are 16-byte aligned; larger power-of-two alignments are served by over-allocating. Sizes
/// and alignments are checked before any arithmetic that could overflow, and a failed request returns null (which
/// the Swift runtime turns into a trap, and the C ABI into ``WasmStatus/outOfMemory``).
///
/// Single-threaded: the module has one thread.
enum Heap {
    /// Header bytes before every payload; also the minimum alignment.
    static let headerSize: UInt = 16
    /// Marks a live header ("CGHB"); a free block's is cleared so a double free is detected and ignored.
    static let liveMagic: UInt32 = 0x4348_4742
    /// Smallest class: 2⁴ = 16 bytes (header included).
    static let minimumClass = 5
    /// Largest class: 2³¹ bytes.
    static let maximumClass = 31
    /// Bytes per WebAssembly page.
    static let pageSize: UInt = 65536

    /// The first never-used byte; 0 until the first allocation reads `__heap_base`. The first 128 bytes of the heap
    /// hold the 32 free-list heads (no Swift array here: allocating one would re-enter the allocator).
    nonisolated(unsafe) static var top: UInt = 0
    /// Where the heap starts: the free-list heads, then blocks.
    nonisolated(unsafe) static var base: UInt = 0
    /// Bytes handed out and not yet freed (payload classes), for the tests' leak checks.
    nonisolated(unsafe) static var liveBytes: UInt = 0
    /// Frees of pointers the heap did not hand out (ignored).
    nonisolated(unsafe) static var invalidFrees: UInt32 = 0

    /// The class whose block holds `size` bytes, or nil when none can.
    static func sizeClass(_ size: UInt) -> Int? {
        guard size <= (1 << maximumClass) else { return nil }
        var c = minimumClass
        while (UInt(1) << UInt(c)) < size { c += 1 }
        return c
    }

    /// A block of class `c` from its free list or the top of the heap; its start address, or nil.
    static func takeBlock(_ c: Int) -> UInt? {
        guard let lists = freeLists() else { return nil }
        let head = lists[c]
        if head != 0 {
            lists[c] = UnsafeMutablePointer<UInt>(bitPattern: head)!.pointee
            return head
        }
        let size = UInt(1) << UInt(c)
        // Classes are powers of two ≥ 16 and top stays 16-aligned.
        guard top <= UInt(UInt32.max) - size else { return nil }
        let end = top + size
        let available = UInt(cg_memory_pages()) * pageSize
        if end > available {
            let pages = (end - available + pageSize - 1) / pageSize
            guard pages <= UInt(UInt32.max), cg_memory_grow(UInt32(pages)) != UInt32.max else { return nil }
        }
        let block = top
        top = end
        return block
    }

    /// The 32 free-list heads (0 = empty; a free block's first word links to the next), set up on first use.
    static func freeLists() -> UnsafeMutablePointer<UInt>? {
        if top == 0 {
            base = (cg_heap_base() + 15) & ~UInt(15)
            let end = base + 32 * UInt(MemoryLayout<UInt>.size)
            let available = UInt(cg_memory_pages()) * pageSize
            if end > available {
                guard cg_memory_grow(UInt32((end - available + pageSize - 1) / pageSize)) != UInt32.max else {
                    return nil
                }
            }
            let lists = UnsafeMutablePointer<UInt>(bitPattern: base)!
            lists.initialize(repeating: 0, count: 32)
            top = end
        }
        return UnsafeMutablePointer<UInt>(bitPattern: base)
    }

    /// `size` bytes aligned to `alignment` (a power of two); nil when impossible.
    static func allocate(size: UInt, alignment: UInt) -> UnsafeMutableRawPointer? {
        guard alignment != 0, alignment & (alignment - 1) == 0, alignment <= (1 << 24) else { return nil }
        let extra = alignment > headerSize ? alignment : 0
        guard size <= (1 << maximumClass) - headerSize - extra,
            let c = sizeClass(size + headerSize + extra),
            let block = takeBlock(c)
        else { return nil }
        var payload = block + headerSize
        if extra != 0 { payload = (payload + alignment - 1) & ~(alignment - 1) }
        let header = UnsafeMutablePointer<UInt32>(bitPattern: payload - headerSize)!
        header[0] = UInt32(c)
        header[1] = liveMagic
        header[2] = UInt32(payload - block)
        header[3] = 0
        liveBytes += UInt(1) << UInt(c)
        return UnsafeMutableRawPointer(bitPattern: payload)
    }

    /// The class and block start of a live payload pointer, or nil for anything the heap did not hand out.
    static func inspect(_ pointer: UnsafeMutableRawPointer) -> (sizeClass: Int, block: UInt)? {
        let payload = UInt(bitPattern: pointer)
        guard payload & 15 == 0, top != 0, payload >= base + headerSize, payload < top else { return nil }
        let header = UnsafeMutablePointer<UInt32>(bitPattern: payload - headerSize)!
        let c = Int(header[0])
        let offset = UInt(header[2])
        guard header[1] == liveMagic, (minimumClass...maximumClass).contains(c), offset >= headerSize,
            offset <= payload
        else { return nil }
        let block = payload - offset
        guard block >= base + 32 * UInt(MemoryLayout<UInt>.size), block <= top - (UInt(1) << UInt(c)) else {
            return nil
        }
        return (c, block)
    }

    /// Returns a block to its class's free list; ignores null and anything not live.
    static func release(_ pointer: UnsafeMutableRawPointer?) {
        guard let pointer else { return }
        guard let (c, block) = inspect(pointer) else {
            invalidFrees &+= 1
            return
        }
        UnsafeMutablePointer<UInt32>(bitPattern: UInt(bitPattern: pointer) - headerSize)![1] = 0
        guard let lists = freeLists() else { return }
        UnsafeMutablePointer<UInt>(bitPattern: block)!.pointee = lists[c]
        lists[c] = block
        liveBytes -= UInt(1) << UInt(c)
    }

    /// Payload bytes usable at a live pointer.
    static func usableSize(_ pointer: UnsafeMutableRawPointer) -> UInt? {
        guard let (c, block) = inspect(pointer) else { return nil }
        return block + (UInt(1) << UInt(c)) - UInt(bitPattern: pointer)
    }
}

// MARK: - The C allocator the Swift runtime links against

/// `posix_memalign(3)`: 0 and `*result` set, or 12 (ENOMEM) / 22 (EINVAL).
@_cdecl("posix_memalign")
public func posix_memalign(
    _ result: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, _ alignment: Int, _ size: Int
) -> Int32 {
    guard let result, alignment >= MemoryLayout<UInt>.size, size >= 0 else { return 22 }
    guard let pointer = Heap.allocate(size: UInt(size), alignment: UInt(alignment)) else { return 12 }
    result.pointee = pointer
    return 0
}

/// `malloc(3)`: 16-byte aligned, or null.
@_cdecl("malloc")
public func malloc(_ size: Int) -> UnsafeMutableRawPointer? {
    guard size >= 0 else { return nil }
    return Heap.allocate(size: UInt(size), alignment: Heap.headerSize)
}

/// `calloc(3)`: zeroed, or null (also when `count × size` overflows).
@_cdecl("calloc")
public func calloc(_ count: Int, _ size: Int) -> UnsafeMutableRawPointer? {
    guard count >= 0, size >= 0 else { return nil }
    let (total, overflow) = count.multipliedReportingOverflow(by: size)
    guard !overflow, let pointer = malloc(total) else { return nil }
    pointer.initializeMemory(as: UInt8.self, repeating: 0, count: total)
    return pointer
}

/// `realloc(3)`: the contents moved to a block of `size` bytes (the same block when it still fits), or null with the
/// original left alone.
@_cdecl("realloc")
public func realloc(_ pointer: UnsafeMutableRawPointer?, _ size: Int) -> UnsafeMutableRawPointer? {
    guard let pointer else { return malloc(size) }
    guard size >= 0, let usable = Heap.usableSize(pointer) else { return nil }
    if UInt(size) <= usable { return pointer }
    guard let moved = malloc(size) else { return nil }
    moved.copyMemory(from: pointer, byteCount: Int(usable))
    Heap.release(pointer)
    return moved
}

/// `free(3)`: null and pointers the heap did not hand out are ignored.
@_cdecl("free")
public func free(_ pointer: UnsafeMutableRawPointer?) {
    Heap.release(pointer)
}

// MARK: - The rest of libc the module needs

/// `memcmp(3)`: the sign of the first differing byte (unsigned), 0 when the ranges are equal.
@_cdecl("memcmp")
public func memcmp(_ a: UnsafeRawPointer?, _ b: UnsafeRawPointer?, _ count: Int) -> Int32 {
    guard count > 0, let a, let b else { return 0 }
    for i in 0..<count {
        let x = a.load(fromByteOffset: i, as: UInt8.self)
        let y = b.load(fromByteOffset: i, as: UInt8.self)
        if x != y { return x < y ? -1 : 1 }
    }
    return 0
}

/// `arc4random_buf(3)`, which the standard library's `SystemRandomNumberGenerator` calls: the host's CSPRNG (WASI
/// `random_get`). There is no fallback: if the host fails, the instance traps (the exported prover does not get here;
/// it uses ``HostRandom`` and reports the failure as a status).
@_cdecl("arc4random_buf")
public func arc4random_buf(_ buffer: UnsafeMutableRawPointer?, _ count: Int) {
    guard count > 0, let buffer else { return }
    guard cg_wasi_random_get(buffer.assumingMemoryBound(to: UInt8.self), UInt32(count)) == 0 else {
        fatalError("the host's random_get failed")
    }
}
