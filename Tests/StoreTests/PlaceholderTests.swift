import Testing
@testable import Store
@Test func storeModuleBuilds() { #expect(Bool(true)) }
