import Foundation
import HoistCore

/// Watches the watch folders and yields each dropped image once it is complete.
///
/// Three sources of names, because none is enough alone: inotify (`DirectoryEvents`) for speed;
/// a full rescan at start (files dropped while the agent was down), after an inotify overflow
/// (events the kernel dropped) and every `rescanInterval` (anything else missed); and the
/// settle check of `DropTracker` on every candidate, which alone decides when a file is
/// complete. The scanner never opens a file and knows nothing of uploads.
///
/// Invariants (from `DropTracker`): each file identity is yielded at most once; a file still
/// changing is never yielded; only image names are considered, and done/ and failed/ never.
public final class DropScanner: Sendable {
    public enum Drop: Sendable, Equatable {
        /// A complete image: take it. `identity` is what the journal keys the job by.
        case ready(path: String, identity: SourceIdentity)
        /// An entry with an image's name that is not a regular file: file it in failed/.
        case refused(path: String, because: DropRefusal)
    }

    public struct Configuration: Sendable {
        public var watch: [String]
        public var settle: Double
        public var minimumAge: Double
        public var rescanInterval: Double
        /// Absolute paths never taken: the done/ and failed/ folders.
        public var excluded: Set<String>

        public init(watch: [String], settle: Double, minimumAge: Double, rescanInterval: Double,
                    excluded: Set<String> = []) {
            self.watch = watch
            self.settle = settle
            self.minimumAge = minimumAge
            self.rescanInterval = rescanInterval
            self.excluded = excluded
        }

        public init(_ settings: AgentSettings) {
            self.init(watch: settings.watch, settle: settings.settle, minimumAge: settings.minimumAge,
                      rescanInterval: settings.rescanInterval,
                      excluded: Set(settings.watch.flatMap {
                          [settings.doneDirectory(forWatch: $0), settings.failedDirectory(forWatch: $0)]
                      }))
        }
    }

    /// What wakes the scanning loop.
    enum Wake: Sendable {
        case changed(directory: String, name: String)
        case rescan
        case due
        /// New timing and excluded folders (the watch folders stay as they were).
        case reconfigure(Configuration)
    }

    /// Ready and refused files, in the order they became so. Ends after `stop()`.
    public let drops: AsyncStream<Drop>
    private let events: DirectoryEvents
    private let loop: Task<Void, Never>
    private let wake: AsyncStream<Wake>.Continuation

    /// Starts watching: inotify first, then the start-up rescan, so nothing dropped between the
    /// two is missed. `firstScanDone` runs once the start-up scan has looked at every file
    /// present (the agent's moment to send `READY=1`).
    public init(_ configuration: Configuration, firstScanDone: @escaping @Sendable () -> Void = {})
        throws(DirectoryEvents.Failure) {
        events = try DirectoryEvents(watching: configuration.watch)
        let (drops, output) = AsyncStream.makeStream(of: Drop.self)
        let (wakes, wake) = AsyncStream.makeStream(of: Wake.self)
        self.drops = drops
        self.wake = wake
        let events = events
        loop = Task {
            let forwarding = Task {
                for await event in events.events {
                    switch event {
                    case .changed(let directory, let name): wake.yield(.changed(directory: directory, name: name))
                    case .overflow, .directoryGone: wake.yield(.rescan)
                    }
                }
            }
            await Self.run(configuration, wakes: wakes, wake: wake, output: output, firstScanDone: firstScanDone)
            forwarding.cancel()
            output.finish()
        }
    }

    /// Takes new settle, minimum age, rescan interval and excluded folders; candidates waiting
    /// to settle keep their first look and are judged by the new rule. The watch folders of
    /// `configuration` are ignored: inotify watches are set up once.
    public func update(_ configuration: Configuration) {
        wake.yield(.reconfigure(configuration))
    }

    /// Stops watching and ends `drops`.
    public func stop() {
        events.stop()
        loop.cancel()
    }

    deinit { stop() }

    // MARK: - The loop

    static func now() -> Double { AgentMetrics.uptimeSeconds() }

    /// The shortest wait between two looks at the same candidates, in seconds.
    static let minimumPause = 0.01

    static func run(_ initial: Configuration, wakes: AsyncStream<Wake>, wake: AsyncStream<Wake>.Continuation,
                    output: AsyncStream<Drop>.Continuation, firstScanDone: @Sendable () -> Void) async {
        var configuration = initial
        var tracker = DropTracker(settle: configuration.settle, minimumAge: configuration.minimumAge,
                                  excluded: configuration.excluded)
        rescan(configuration, into: &tracker)
        var nextRescan = now() + configuration.rescanInterval
        var firstScanPending = true
        var timer: Task<Void, Never>?
        var iterator = wakes.makeAsyncIterator()
        while !Task.isCancelled {
            for drop in tracker.step(now: now(), wallNow: Date().timeIntervalSince1970) { output.yield(drop) }
            // The start-up scan is done once every file present at start had its first look.
            if firstScanPending {
                firstScanPending = false
                firstScanDone()
            }
            // Never sooner than a short pause: with `settle = 0`, a file that changes on every look
            // would otherwise be looked at in a busy loop.
            let deadline = min(max(tracker.nextDue ?? .infinity, now() + minimumPause), nextRescan)
            timer?.cancel()
            timer = Task {
                let seconds = max(0, deadline - now())
                try? await Task.sleep(for: .nanoseconds(Int64(min(seconds, 86_400) * 1e9)))
                if !Task.isCancelled { wake.yield(.due) }
            }
            guard let reason = await iterator.next(isolation: nil) else { break }
            switch reason {
            case .changed(let directory, let name):
                tracker.consider(directory: directory, name: name, now: now())
            case .rescan:
                rescan(configuration, into: &tracker)
                nextRescan = now() + configuration.rescanInterval
            case .reconfigure(let new):
                configuration.settle = new.settle
                configuration.minimumAge = new.minimumAge
                configuration.excluded = new.excluded
                configuration.rescanInterval = new.rescanInterval
                tracker.retune(settle: new.settle, minimumAge: new.minimumAge, excluded: new.excluded)
                nextRescan = min(nextRescan, now() + new.rescanInterval)
            case .due:
                if now() >= nextRescan {
                    rescan(configuration, into: &tracker)
                    nextRescan = now() + configuration.rescanInterval
                }
            }
        }
        timer?.cancel()
    }

    /// Lists every watch folder, considers every name, and forgets handed-out identities that
    /// are no longer anywhere in the folders.
    static func rescan(_ configuration: Configuration, into tracker: inout DropTracker) {
        var present: Set<SourceIdentity> = []
        let now = now()
        for directory in configuration.watch {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            tracker.rescanned(directory: directory, names: names, now: now)
            for name in names {
                if let look = EntryLook.of(directory + "/" + name) { present.insert(look.identity) }
            }
        }
        tracker.keepYielded(present: present)
    }
}
