package provider

import (
	"context"
	"time"
)

// OpFindRenewal names [RenewalFinder.FindRenewal] in errors, logs and
// pacing. Like [OpList], it is not one of [Ops]: it sends no [Request].
const OpFindRenewal Op = "find-renewal"

// RenewalTagKey is the key of the tag that marks one renewal. A caller
// that may have to look for the order a renewal created (the broker does,
// for every renewal to a [RenewalFinder]) adds a tag with this key and a
// value of its own, unique to the renewal, to [RenewRequest.Tags]; a
// provider whose cloud tags new orders and can find orders by tag then
// proves which order the renewal created. The tag stays on the new order.
const RenewalTagKey = "certbroker-renewal"

// RenewalFinder is implemented by providers that can look for the order a
// renewal may have created, after a Renew whose outcome is unknown (the
// request may have reached the cloud; the answer was lost). It is
// optional: without it, such a renewal stays unknown and its candidates
// unsearched.
//
// FindRenewal looks with req, the request Renew was given (with its
// tags, the [RenewalTagKey] mark included), for orders created at or
// after since (when Renew's first request was sent), by whatever the
// cloud documents: a tag the renewal set, or a listing's fields. It sends
// only reads, each paced like every other request, and validates req as
// Renew does. It never renews.
//
// The search proves an order only when the cloud's answer can come from
// no other order: the one order carrying the renewal's own
// RenewalTagKey mark. Anything weaker (a new order of the same product,
// bought since) is a candidate, never a proof. An empty search is not a
// proof either: a cloud can show a new order late.
type RenewalFinder interface {
	FindRenewal(ctx context.Context, req RenewRequest, since time.Time) (*RenewalSearch, error)
}

// RenewalSearch is what [RenewalFinder.FindRenewal] found.
type RenewalSearch struct {
	// NewID is the order the renewal created, when the search proves it
	// (see [RenewalFinder]); empty otherwise.
	NewID string
	// Candidates are the orders that may be the renewal's, when nothing
	// proves one: created since the renewal was sent, in the state a
	// renewal lands in, and matching what the cloud lets the search
	// compare. Empty when NewID is set or when none was found.
	Candidates []ListEntry
	// Basis says in a few words what the search relied on, for the
	// operator ("tag certbroker-renewal", "PAYED orders bought since
	// 10:04:05Z").
	Basis string
	// RequestID is the cloud's request ID of the search's last request.
	RequestID string
}

// RenewalMark returns the [RenewalTagKey] value in tags, or "".
func RenewalMark(tags []Tag) string {
	for _, t := range tags {
		if t.Key == RenewalTagKey {
			return t.Value
		}
	}
	return ""
}
