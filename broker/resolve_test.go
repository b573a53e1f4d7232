package broker_test

import (
	"testing"

	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

func TestResolve(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	// Two accounts of one cloud share an ID shape ("fake-N"); a second
	// cloud claims "scs…" IDs; a third provider cannot check IDs at all.
	ali1, ali2, hw := providertest.NewFake(), providertest.NewFake(), providertest.NewFake()
	register(t, b, "alibaba-1", ali1)
	register(t, b, "alibaba-2", ali2)
	register(t, b, "huawei", shapeChecker{Fake: hw, prefix: "scs"})
	register(t, b, "opaque", noIDCheck{providertest.NewFake()})

	for _, tc := range []struct {
		in       string
		want     provider.Ref
		contains []string // in the error; nil means success
	}{
		{in: "scs1481110651012", want: provider.Ref{Origin: "huawei", ID: "scs1481110651012"}},
		{in: "alibaba-2:fake-7", want: provider.Ref{Origin: "alibaba-2", ID: "fake-7"}},
		{in: "opaque:anything-goes", want: provider.Ref{Origin: "opaque", ID: "anything-goes"}},
		{in: "fake-7", contains: []string{"several origins", "alibaba-1, alibaba-2", "origin:id"}},
		{in: "12345", contains: []string{"no registered origin", "alibaba-1, alibaba-2, huawei, opaque", "opaque cannot check"}},
		{in: "aws:fake-7", contains: []string{`"aws" is not registered`}},
		{in: "a/b", contains: []string{"contains '/'"}},
		{in: "", contains: []string{"empty"}},
		{in: "huawei:", contains: []string{"empty"}},
		// The origin's own ID check applies to origin:id input too.
		{in: "huawei:fake-7", contains: []string{"huawei:fake-7: invalid_argument: not scs…"}},
		{in: "alibaba-1:scs1481110651012", contains: []string{"alibaba-1:scs1481110651012: invalid_argument", "fake-"}},
	} {
		got, err := b.Resolve(tc.in)
		if tc.contains == nil {
			if err != nil || got != tc.want {
				t.Errorf("Resolve(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
			continue
		}
		if err == nil {
			t.Errorf("Resolve(%q) = %v, want an error", tc.in, got)
			continue
		}
		mustKind(t, err, provider.KindInvalidArgument)
		mustContain(t, err.Error(), tc.contains...)
	}
	if n := len(ali1.Calls()) + len(ali2.Calls()) + len(hw.Calls()); n != 0 {
		t.Errorf("Resolve made %d calls", n)
	}
}

func TestResolveNothingRegistered(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	_, err := b.Resolve("fake-1")
	mustKind(t, err, provider.KindInvalidArgument)
	mustContain(t, err.Error(), "registered: none")
}
