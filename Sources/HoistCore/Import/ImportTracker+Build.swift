/// What ties an import attempt to its build: the request it sends is fixed from the job when
/// the attempt is opened (and journaled with the token), so a resumed or restarted run sends
/// the same name, object and tags, and nothing in it can come from another build.
extension ImportTracker {
    /// `request` as this job's attempt sends it:
    ///
    /// - a templated image name (`web-{date}-{crc}`) expanded from the job's own facts and made
    ///   valid by the ImportImage name rules, as derived names are;
    /// - the system disk's object is the job's own (its expanded key);
    /// - Hoist's tags (`ImageProvenance.tags`) in place of any earlier attempt's.
    ///
    /// Returns the request and the name template (nil when the name was literal).
    static func attemptRequest(_ request: ImportImageRequest, job: JobRecord)
        throws(ImportError) -> (request: ImportImageRequest, nameTemplate: String?) {
        var request = request
        var template: String?
        if let given = request.imageName, !given.isEmpty {
            switch try expandedName(given, context: NameTemplate.Context(job: job)) {
            case .literal(let name):
                request.imageName = name
            case .expanded(let name):
                request.imageName = name
                template = given
            case .needs(let placeholder):
                throw .usage("the image name \(given) needs {\(placeholder.rawValue)}, which job \(job.id) does not know yet "
                             + "(its object is not verified); nothing was imported")
            }
        }
        if !request.diskDeviceMappings.isEmpty {
            request.diskDeviceMappings[0].ossBucket = job.bucket
            request.diskDeviceMappings[0].ossObject = job.key
        }
        request.tags.removeAll { $0.key.hasPrefix(ImageProvenance.reservedPrefix) }
        request.tags += ImageProvenance.tags(jobId: job.id, crc64: job.objectCRC64)
        return (request, template)
    }

    enum ExpandedName: Equatable {
        /// No placeholders: the name as given.
        case literal(String)
        /// Placeholders expanded, then made valid.
        case expanded(String)
        /// The context lacks this value.
        case needs(NameTemplate.Placeholder)
    }

    static func expandedName(_ given: String, context: NameTemplate.Context) throws(ImportError) -> ExpandedName {
        let template: NameTemplate
        do {
            template = try NameTemplate(given, allowed: NameTemplate.imageNamePlaceholders)
        } catch {
            throw .usage("image name: \(error.description)")
        }
        if template.isLiteral { return .literal(template.expand(context) ?? given) }
        guard let expanded = template.expand(context) else {
            let missing = template.placeholders.first { NameTemplate.value(of: $0, in: context) == nil } ?? .job
            return .needs(missing)
        }
        return .expanded(ImportImageNameRules.validImageName(from: expanded))
    }
}
