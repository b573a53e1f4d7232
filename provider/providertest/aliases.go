package providertest

import "github.com/certbroker/certbroker/provider"

// StatusAliaser is implemented by a [Harness] whose provider cannot tell
// some states apart when it reports them, and documents so. For example,
// Alibaba Cloud reports a cancelled order with the same status as a fresh
// one, so its harness returns
//
//	map[provider.State][]provider.State{
//		provider.StateCancelled: {provider.StatePendingApplication},
//	}
//
// The suite then accepts, wherever it checks a state the provider reports
// (Status, and Result.State of the other operations), the true state or
// one of its aliases. States observed out of band through the harness are
// always compared exactly.
type StatusAliaser interface {
	// StatusAliases maps a state the backend holds to the other states
	// the provider may report for it.
	StatusAliases() map[provider.State][]provider.State
}

// reportable returns the states the provider of h may report for an order
// in state s: s and its aliases.
func reportable(h Harness, s provider.State) []provider.State {
	out := []provider.State{s}
	if a, ok := h.(StatusAliaser); ok {
		out = append(out, a.StatusAliases()[s]...)
	}
	return out
}
