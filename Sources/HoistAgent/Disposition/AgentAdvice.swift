/// What `failed/NAME.error` tells a person to do, in the agent's terms. The engine's messages
/// are written for someone at a shell ("run the same command again"); an agent's user dropped a
/// file and has no command, so that advice is replaced by what works there: put the file back
/// into the watch folder, or `hoist retry JOB` for an import that failed in ECS.
enum AgentAdvice {
    /// The CLI's advice sentences, as the engine ends its messages with them.
    static let commandAdvice = [
        ". Run the command again once the file is no longer being written",
        "; run the same command again to resume", "; run the same command again to retry",
        " and run the same command again to resume", " and run the same command again",
        "; rerun to continue", ", run the same command again once the path is fixed",
        "; run the same command again", ". Run the same command again",
    ]

    /// `summary` without command-line advice, ending with what to do in the agent.
    static func upload(_ summary: String, file: String) -> String {
        strip(summary) + "; once that is fixed, move failed/\(file) back into the watch folder to upload it again"
    }

    /// For an import that ECS ended: the image file is fine, the import is what to redo.
    static func `import`(_ summary: String, jobId: String) -> String {
        strip(summary) + "; `hoist retry \(jobId)` imports it again"
    }

    static func strip(_ text: String) -> String {
        var out = text
        for advice in commandAdvice {
            out = out.replacingOccurrences(of: advice, with: "")
        }
        return out
    }
}
