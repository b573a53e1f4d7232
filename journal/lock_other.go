//go:build !unix

package journal

import "os"

// lock does nothing where flock does not exist: see Limits in the package
// doc.
func lock(*os.File) error { return nil }
