/// Tact's version, as `tact --version` prints it. `CHANGELOG.md` has an entry for it (a unit test checks), and
/// store migrations exist only for changes made after a released version.
package enum TactVersion {
    package static let current = "0.1.0"
}
