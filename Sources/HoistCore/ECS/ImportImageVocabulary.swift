/// The enumerated values ImportImage accepts, as the API reference lists them.
///
/// The request model keeps plain strings (the emulator must be able to represent any value a
/// client sends in order to reject it with the right code); these lists are what the validator
/// checks against, and the constants give callers names instead of string literals.
public enum ImportImageVocabulary {
    public static let architectures = ["i386", "x86_64", "arm64"]
    public static let osTypes = ["linux", "windows"]
    public static let bootModes = ["BIOS", "UEFI"]
    /// `Auto` is the older default and still accepted; `Aliyun` / `BYOL` are the newer values.
    public static let licenseTypes = ["Auto", "Aliyun", "BYOL"]
    /// RAW, VHD and QCOW2 are generally available; VMDK is an invitational preview.
    public static let generallyAvailableFormats = ["RAW", "VHD", "QCOW2"]
    public static let previewFormats = ["VMDK"]
    public static let detectionStrategies = ["Standard"]
    public static let nvmeSupport = ["supported", "unsupported"]
    public static let imdsSupport = ["v1", "v2"]

    public static let linuxPlatforms = [
        "Aliyun", "Anolis", "CentOS", "Ubuntu", "CoreOS", "SUSE", "Debian", "OpenSUSE", "FreeBSD", "RedHat",
        "Kylin", "UOS", "Fedora", "Fedora CoreOS", "CentOS Stream", "AlmaLinux", "Rocky Linux", "Gentoo",
        "Customized Linux", "Others Linux",
    ]
    public static let windowsPlatforms = [
        "Windows Server 2022", "Windows Server 2019", "Windows Server 2016", "Windows Server 2012",
        "Windows Server 2008", "Windows Server 2003", "Other Windows",
    ]
    public static var platforms: [String] { linuxPlatforms + windowsPlatforms }

    /// Defaults ECS applies when a parameter is omitted.
    public static let defaultArchitecture = "x86_64"
    public static let defaultOSType = "linux"
    public static let defaultPlatform = "Others Linux"
    public static let defaultRoleName = ECSError.importRoleName

    /// The widest N of `DiskDeviceMapping.N` (1 = system disk, 2…17 = data disks) and of `Tag.N`.
    public static let maxDisks = 17
    public static let maxTags = 20
}
