import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The user the agent runs as (the unit's `User=`), with its groups, so doctor can tell whether
/// *that* user may write a folder when doctor itself runs as someone else (an admin, root).
struct AgentUser: Sendable {
    var uid: uid_t
    var groups: [gid_t]
    var name: String

    init(uid: uid_t) {
        self.uid = uid
        guard let entry = getpwuid(uid) else {
            self.groups = [getegid()]
            self.name = "uid \(uid)"
            return
        }
        self.name = String(cString: entry.pointee.pw_name)
        self.groups = Self.groups(of: entry.pointee.pw_name, primary: entry.pointee.pw_gid)
    }

    static func named(_ name: String) -> AgentUser? {
        guard let entry = getpwnam(name) else { return nil }
        return AgentUser(uid: entry.pointee.pw_uid)
    }

    private static func groups(of name: UnsafeMutablePointer<CChar>, primary: gid_t) -> [gid_t] {
        var count: Int32 = 64
        var list = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(name, primary, &list, &count) < 0 {
            list = [gid_t](repeating: 0, count: Int(count))
            _ = getgrouplist(name, primary, &list, &count)
        }
        return Array(list.prefix(Int(max(0, count))))
    }

    /// Write and search permission on a directory with these attributes, by the mode bits that
    /// apply to this user (owner, then group, then others); root may always.
    func mayWrite(_ info: stat) -> Bool {
        if uid == 0 { return true }
        let mode = info.st_mode
        if info.st_uid == uid { return mode & 0o300 == 0o300 }
        if groups.contains(info.st_gid) { return mode & 0o030 == 0o030 }
        return mode & 0o003 == 0o003
    }
}
