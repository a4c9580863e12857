import Testing
@testable import HoistCore

@Suite struct ImportErrorTests {
    @Test func theMissingRAMRoleBecomesTheActionableMessage() {
        for code in ["NoSetRoletoECSServiceAcount", "NoSetRoletoECSServiceAccount"] {
            let error = ECSError(code: code, message: "ECS service account Have no right…", httpStatus: 403)
            #expect(error.operatorMessage == error.actionableMessage)
            #expect(error.operatorMessage.contains("AliyunECSImageImportDefaultRole"))
            #expect(error.leavesAttemptOpen, "fixing the role and rerunning continues the same token")
            #expect(ImportError.refused(error).description.contains("AliyunECSImageImportDefaultRole"))
        }
    }

    @Test func signingErrorsNeverEchoTheStringToSign() {
        let secretish = "POST&%2F&AccessKeyId%3DLTAI%26SecurityToken%3DCAIS-very-secret"
        let error = ECSError.signatureDoesNotMatch(serverStringToSign: secretish)
        #expect(!error.operatorMessage.contains("CAIS"))
        #expect(error.operatorMessage.contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET"))
        let other = ECSError(code: "SomethingElse", message: "bad; server string to sign is: \(secretish)", httpStatus: 400)
        #expect(!other.operatorMessage.contains("CAIS"))
    }

    @Test func configurationRefusalsKeepTheAttemptOpenAndRequestErrorsEndIt() {
        #expect(ECSError.accessKeyNotFound.leavesAttemptOpen)
        #expect(ECSError.securityTokenExpired.leavesAttemptOpen)
        #expect(ECSError(code: "Forbidden.RAM", message: "", httpStatus: 403).leavesAttemptOpen)
        #expect(!ECSError(code: "IdempotentParameterMismatch", message: "", httpStatus: 400).leavesAttemptOpen)
        #expect(!ECSError(code: "InvalidOSSObject.NotFound", message: "", httpStatus: 400).leavesAttemptOpen)
        #expect(!ECSError(code: "InvalidImageName.Duplicated", message: "", httpStatus: 400).leavesAttemptOpen)
        #expect(ECSError(code: "IdempotentParameterMismatch", message: "", httpStatus: 400).operatorMessage.contains("hoist retry"))
    }

    @Test func localErrorsSayNothingWasSent() {
        let v = ImportImageViolation(rule: .platformUnknown, parameter: "Platform", code: "InvalidPlatform.Malformed",
                                     message: "m", reason: "\"Ubantu\" is not one of …")
        #expect(ImportError.invalidParameters(v).isLocal)
        #expect(ImportError.invalidParameters(v).description.contains("platformUnknown"))
        #expect(!ImportError.timedOut(jobId: "j-1", seconds: 5).isLocal)
        #expect(ImportError.timedOut(jobId: "j-1", seconds: 5).description.contains("hoist cancel j-1"))
    }
}
