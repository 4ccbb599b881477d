// Times QRCode's image reader in a release build, one thread, CPU time: for each image file given (PNG/PGM/PPM), the
// file is decoded to luminance once, then `QRReader.read` runs until `seconds` of CPU time have passed. Prints one line
// per image, `name milliseconds_per_read symbols_found`. scripts/bench-qr-vs-zxing.sh runs it next to zxing-cpp on
// the same 1-megapixel images and prints the ratios.
//   swift run -c release QRDecodeThroughput SECONDS FILE…
import Foundation
import QRCode

let arguments = CommandLine.arguments.dropFirst()
guard let seconds = arguments.first.flatMap(Double.init), arguments.count > 1 else {
    FileHandle.standardError.write(Data("usage: QRDecodeThroughput SECONDS FILE…\n".utf8))
    exit(64)
}

func threadCPUSeconds() -> Double {
    var usage = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &usage)
    return Double(usage.tv_sec) + Double(usage.tv_nsec) / 1e9
}

for path in arguments.dropFirst() {
    guard let data = FileManager.default.contents(atPath: path), let image = try? QRImageFile.decode([UInt8](data))
    else {
        FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
        exit(2)
    }
    var found = QRReader.read(image).count  // warm-up
    var calls = 0
    let start = threadCPUSeconds()
    var elapsed = 0.0
    while elapsed < seconds || calls == 0 {
        found = QRReader.read(image).count
        calls += 1
        elapsed = threadCPUSeconds() - start
    }
    print("\(URL(fileURLWithPath: path).lastPathComponent) \(String(format: "%.2f", elapsed / Double(calls) * 1e3)) \(found)")
}
