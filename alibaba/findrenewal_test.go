package alibaba

import (
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
)

// TestFindRenewalThroughTheBroker loses the answer of a renewal on the
// wire and checks what the broker then reports over the real SDK: the
// order the renewal created is a candidate (never a proof: the list shows
// no tags), a PAYED order bought the day before is not, and the renewal
// is not sent again.
func TestFindRenewalThroughTheBroker(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		applied bool
	}{
		{"applied, answer lost", true},
		{"not applied", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newEmulator(t)
			a := adapterFor(t, s)
			b := broker.New()
			if err := b.Register("ali", a); err != nil {
				t.Fatal(err)
			}
			id := s.Seed(provider.StateExpiring)
			old := s.SeedOrder(alibabatest.Order{Status: alibabatest.StatusPayed, BuyDate: time.Now().Add(-24 * time.Hour)})
			s.InjectFault(alibabatest.Fault{Action: alibabatest.ActionRenew, Kind: alibabatest.FaultServerError, AfterApply: tc.applied, Times: 1})

			_, err := b.Renew(t.Context(), "ali", provider.RenewRequest{ID: id})
			if !errors.Is(err, provider.ErrOutcomeUnknown) {
				t.Fatalf("Renew: %v, want outcome_unknown", err)
			}
			if n := sentFor(s, alibabatest.ActionRenew, id); n != 1 {
				t.Errorf("renewal sent %d times, want 1", n)
			}
			var oe *broker.OpError
			if !errors.As(err, &oe) || oe.Renewal == nil {
				t.Fatalf("no renewal search in %v", err)
			}
			if oe.Renewal.NewID != "" {
				t.Errorf("proved %q from a list that shows no tags", oe.Renewal.NewID)
			}
			var ids []string
			for _, c := range oe.Renewal.Candidates {
				ids = append(ids, c.ID)
			}
			if slices.Contains(ids, old) || slices.Contains(ids, id) {
				t.Errorf("candidates %v include the renewed order %s or the day-old order %s", ids, id, old)
			}
			renewals := s.Renewals()
			switch {
			case tc.applied && (len(renewals) != 1 || !slices.Equal(ids, []string{renewals[0].NewID})):
				t.Errorf("candidates %v, created %v", ids, renewals)
			case !tc.applied && (len(renewals) != 0 || len(ids) != 0):
				t.Errorf("candidates %v, created %v", ids, renewals)
			}
			if tc.applied {
				mark := ""
				for _, tag := range renewals[0].Tags {
					if tag.Key == provider.RenewalTagKey {
						mark = tag.Value
					}
				}
				if mark == "" {
					t.Errorf("the renewal carried no %s tag: %v", provider.RenewalTagKey, renewals[0].Tags)
				}
			}
		})
	}
}

// TestFindRenewalRefusesBadInput checks that a search for a renewal the
// adapter would refuse sends nothing.
func TestFindRenewalRefusesBadInput(t *testing.T) {
	t.Parallel()
	s := newEmulator(t)
	a := adapterFor(t, s)
	for _, req := range []provider.RenewRequest{
		{ID: "../1"},
		{ID: "12", CSR: "not a csr"},
		{ID: "12", Tags: []provider.Tag{{Key: "aliyun-x", Value: "v"}}},
		{ID: strconv.Itoa(-4)},
	} {
		before := s.RequestCount()
		_, err := a.FindRenewal(t.Context(), req, time.Now())
		if provider.KindOf(err) != provider.KindInvalidArgument || s.RequestCount() != before {
			t.Errorf("FindRenewal(%+v): %v, %d requests sent", req, err, s.RequestCount()-before)
		}
	}
}
