import Foundation
import Testing
@testable import HoistCore

/// Detection, sizes and refusals on samples built byte for byte from `image-formats.md`; the
/// sizes are the ones §8 observed with qemu-img 7.2 and genisoimage.
@Suite struct ImageInspectorTests {
    static func inspect(_ path: String) throws -> ImageInspection {
        try ImageInspector.inspect(path: path)
    }

    static func refusal(_ path: String) -> ImageInspectorError.Reason? {
        do {
            _ = try ImageInspector.inspect(path: path)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func qcow2Versions() throws {
        let samples = try ImageSamples()
        let v3 = try Self.inspect(try samples.qcow2(version: 3, virtualSize: 1 << 30))
        #expect(v3.format == .qcow2 && v3.virtualSize == 1_073_741_824 && v3.minimumDiskImageSizeGiB == 1)
        #expect(v3.details == "qcow2 v3, 64 KiB clusters" && v3.fileSize == 196_608)
        let v2 = try Self.inspect(try samples.qcow2(version: 2, virtualSize: 1 << 30))
        #expect(v2.format == .qcow2 && v2.virtualSize == 1 << 30 && v2.details.hasPrefix("qcow2 v2"))
        // Large virtual size in a tiny file: 2 TiB + 1 byte needs 2049 GiB.
        let big = try Self.inspect(try samples.qcow2(virtualSize: (2 << 40) + 1))
        #expect(big.minimumDiskImageSizeGiB == 2049)
        #expect(big.format.importFormat == "QCOW2")
    }

    @Test func qcow2GuestDataCannotMasqueradeAsVHD() throws {
        let samples = try ImageSamples()
        let footer = ImageSamples.vhdFooter(diskType: 2, currentSize: 1 << 20, dataOffset: .max, cylinders: 1, heads: 1, sectors: 1)
        let result = try Self.inspect(try samples.qcow2(virtualSize: 5 << 30, tail: footer))
        #expect(result.format == .qcow2 && result.virtualSize == 5 << 30)
    }

    @Test func qcow2Refusals() throws {
        let samples = try ImageSamples()
        #expect(Self.refusal(try samples.qcow2(virtualSize: 1 << 30, backingFile: "base.qcow2")) == .qcow2BackingFile("base.qcow2"))
        #expect(Self.refusal(try samples.qcow2(virtualSize: 1 << 30, cryptMethod: 1)) == .qcow2Encrypted(method: 1))
        #expect(Self.refusal(try samples.qcow2(virtualSize: 1 << 30, cryptMethod: 2)) == .qcow2Encrypted(method: 2))
        #expect(Self.refusal(try samples.qcow2(virtualSize: 1 << 30, incompatible: 0b10)) == .qcow2Corrupt)
        #expect(Self.refusal(try samples.qcow2(virtualSize: 1 << 30, incompatible: 0b100)) == .qcow2ExternalDataFile)
        #expect(Self.refusal(try samples.qcow2(virtualSize: 0)) == .zeroVirtualSize(format: "qcow2"))
        let dirty = try Self.inspect(try samples.qcow2(virtualSize: 1 << 30, incompatible: 0b1))
        #expect(dirty.warnings.contains { $0.contains("dirty") })
        var v1 = ImageSamples.qcow2Header(version: 2, virtualSize: 1 << 30)
        v1[7] = 1
        #expect(Self.refusal(try samples.file("old.qcow", size: 4096, [(0, v1)])) == .qcowVersion(1))
        let backing = ImageInspectorError(.qcow2BackingFile("base.qcow2"), path: "x")
        #expect(backing.message.contains("base.qcow2") && backing.message.contains("qemu-img convert"))
    }

    @Test func truncatedHeaders() throws {
        let samples = try ImageSamples()
        let v3 = ImageSamples.qcow2Header(version: 3, virtualSize: 1 << 30)
        #expect(Self.refusal(try samples.file("t.qcow2", size: 50, [(0, Array(v3.prefix(50)))])) == .truncated(format: "qcow2"))
        #expect(Self.refusal(try samples.file("t3.qcow2", size: 90, [(0, Array(v3.prefix(90)))])) == .truncated(format: "qcow2"))
        let v2 = ImageSamples.qcow2Header(version: 2, virtualSize: 1 << 30)
        #expect(Self.refusal(try samples.file("t2.qcow2", size: 72, [(0, v2)])) == nil)
        #expect(Self.refusal(try samples.file("t2s.qcow2", size: 71, [(0, Array(v2.prefix(71)))])) == .truncated(format: "qcow2"))
        let kdmv = ImageSamples.vmdkHeader(version: 1, flags: 3, capacitySectors: 2048, gdOffset: 0x96, compress: 0)
        #expect(Self.refusal(try samples.file("t.vmdk", size: 100, [(0, Array(kdmv.prefix(100)))])) == .truncated(format: "VMDK"))
        // A dynamic VHD whose end (and footer) was cut off.
        let cut = try samples.vhdDynamic(currentSize: 1_073_995_776, cylinders: 2081, heads: 16, sectors: 63, dropEndFooter: true)
        #expect(Self.refusal(cut) == .truncated(format: "VHD"))
        // A fixed VHD shorter than its declared size.
        let footer = ImageSamples.vhdFooter(diskType: 2, currentSize: 1 << 30, dataOffset: .max, cylinders: 1, heads: 1, sectors: 1)
        #expect(Self.refusal(try samples.file("short.vhd", size: 1 << 20, [((1 << 20) - 512, footer)])) == .truncated(format: "VHD"))
        #expect(ImageInspectorError(.truncated(format: "qcow2"), path: "p").message.contains("truncated"))
    }

    @Test func vhdDynamicAsQemuMakesIt() throws {
        let samples = try ImageSamples()
        let r = try Self.inspect(try samples.vhdDynamic(currentSize: 1_073_995_776, cylinders: 2081, heads: 16, sectors: 63))
        #expect(r.format == .vhd && r.virtualSize == 1_073_995_776)
        #expect(r.minimumDiskImageSizeGiB == 2, "slightly more than 1 GiB rounds up")
        #expect(r.details == "VHD dynamic, 2048 KiB blocks, creator qemu, CHS 2081/16/63")
        #expect(r.warnings.isEmpty)
    }

    @Test func vhdFixedSizes() throws {
        let samples = try ImageSamples()
        let plain = try Self.inspect(try samples.vhdFixed(currentSize: 67_125_248, cylinders: 964, heads: 8, sectors: 17))
        #expect(plain.format == .vhd && plain.virtualSize == 67_125_248 && plain.fileSize == 67_125_760)
        #expect(plain.details.hasPrefix("VHD fixed") && plain.warnings.isEmpty)
        let forced = try Self.inspect(try samples.vhdFixed(currentSize: 64 << 20, cylinders: 65535, heads: 16, sectors: 255, creator: "qem2"))
        #expect(forced.virtualSize == 67_108_864 && forced.details.contains("creator qem2"))
        // Sparse 5 GiB fixed VHD: the large path without writing 5 GiB.
        let large = try Self.inspect(try samples.vhdFixed(currentSize: 5 << 30, cylinders: 10402, heads: 16, sectors: 63))
        #expect(large.virtualSize == 5 << 30 && large.minimumDiskImageSizeGiB == 5)
    }

    @Test func vhdRefusals() throws {
        let samples = try ImageSamples()
        let bad = Self.refusal(try samples.vhdFixed(currentSize: 1 << 20, cylinders: 20, heads: 4, sectors: 17, corruptChecksum: true))
        guard case .vhdChecksum(let stored, let computed)? = bad else { Issue.record("expected a checksum refusal, got \(String(describing: bad))"); return }
        #expect(stored == computed &+ 1)
        #expect(Self.refusal(try samples.vhdDynamic(currentSize: 1 << 30, cylinders: 2080, heads: 16, sectors: 63, diskType: 4)) == .vhdDifferencing)
        #expect(Self.refusal(try samples.vhdFixed(currentSize: 1 << 20, cylinders: 20, heads: 4, sectors: 17, diskType: 7)) == .vhdUnknownType(7))
    }

    @Test func vmdkSparseAndStream() throws {
        let samples = try ImageSamples()
        let sparse = try Self.inspect(try samples.vmdk(capacitySectors: 2_097_152))
        #expect(sparse.format == .vmdk && sparse.virtualSize == 1_073_741_824 && sparse.importFormat == "VMDK")
        #expect(sparse.details == "VMDK v1 monolithicSparse, 64 KiB grains")
        #expect(sparse.warnings.contains { $0.contains("preview") })
        let stream = try Self.inspect(try samples.vmdk(capacitySectors: 2_097_152, streamOptimized: true))
        #expect(stream.virtualSize == 1 << 30 && stream.details.hasPrefix("VMDK v3 streamOptimized"))
        let atEnd = try Self.inspect(try samples.vmdk(capacitySectors: 6 << 21, streamOptimized: true, gdAtEnd: true))
        #expect(atEnd.virtualSize == 6 << 30 && atEnd.minimumDiskImageSizeGiB == 6)
    }

    @Test func isoIsRefusedWithTheExactSentence() throws {
        let samples = try ImageSamples()
        for path in [try samples.iso(), try samples.iso(hybridMBR: true)] {
            do {
                _ = try ImageInspector.inspect(path: path)
                Issue.record("ISO accepted")
            } catch {
                #expect(error.reason == .iso)
                #expect(error.message == "ISO is not importable; convert it to RAW, VHD or QCOW2 first")
            }
        }
    }

    @Test func otherFormatsAreRefused() throws {
        let samples = try ImageSamples()
        #expect(Self.refusal(try samples.file("x.vhdx", size: 1 << 20, [(0, Array("vhdxfile".utf8))])) == .vhdx)
        var vdi = Bytes(count: 0x48)
        vdi.put("<<< QEMU VM Virtual Disk Image >>>\n", at: 0)
        vdi.le(0xBEDA_107F, at: 0x40, width: 4)
        #expect(Self.refusal(try samples.file("x.vdi", size: 1 << 20, [(0, vdi.bytes)])) == .vdi)
        #expect(Self.refusal(try samples.file("x.qed", size: 1 << 20, [(0, [0x51, 0x45, 0x44, 0x00])])) == .qed)
        #expect(Self.refusal(try samples.file("x.vmdk", size: 300, [(0, Array("# Disk DescriptorFile\nversion=1\n".utf8))])) == .vmdkDescriptorOnly)
        #expect(Self.refusal(try samples.file("cowd.vmdk", size: 4096, [(0, Array("COWD".utf8))])) == .vmdkESXSparse)
        #expect(Self.refusal(try samples.file("empty.raw", size: 0, [])) == .empty)
        guard case .unreadable? = Self.refusal(samples.directory + "/does-not-exist") else { Issue.record("missing file"); return }
    }

    @Test func rawFallback() throws {
        let samples = try ImageSamples()
        let small = try Self.inspect(try samples.raw(size: 10 << 20))
        #expect(small.format == .raw && small.virtualSize == 10_485_760 && small.minimumDiskImageSizeGiB == 1)
        #expect(small.details.contains("MBR") && small.warnings.isEmpty)
        // Sparse 6 GiB + 1 MiB raw disk with a GPT header.
        let size: UInt64 = (6 << 30) + (1 << 20)
        let gpt = try Self.inspect(try samples.file("gpt.raw", size: size, [(512, Array("EFI PART".utf8))]))
        #expect(gpt.virtualSize == size && gpt.minimumDiskImageSizeGiB == 7 && gpt.details.contains("GPT"))
        let odd = try Self.inspect(try samples.raw(size: 1000, mbr: false))
        #expect(odd.warnings.contains { $0.contains("multiple of 512") })
    }
}
