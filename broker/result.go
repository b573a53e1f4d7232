package broker

import "github.com/certbroker/certbroker/provider"

// Result is what a successful broker operation reports: the provider's
// result, stamped with the registered origin, and what the broker learned
// getting it.
type Result struct {
	provider.Result
	// AlreadyDone is true when the operation was found already applied,
	// after an attempt whose outcome was unknown, rather than applied by
	// the final call: a state only the applied operation produces, or,
	// for a Delete, the cloud answering not found. See the outcome rule in
	// package provider.
	AlreadyDone bool
}
