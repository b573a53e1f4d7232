package classify

import (
	"testing"

	"github.com/certbroker/certbroker/provider"
)

func TestHTTP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status   int
		mutating bool
		want     provider.Kind
	}{
		{200, true, provider.KindOutcomeUnknown},
		{200, false, provider.KindUnavailable},
		{400, true, provider.KindOther},
		{401, true, provider.KindUnauthorized},
		{403, false, provider.KindForbidden},
		{404, true, provider.KindOther},
		{404, false, provider.KindOther},
		{429, true, provider.KindThrottled},
		{500, true, provider.KindOutcomeUnknown},
		{502, false, provider.KindUnavailable},
		{503, true, provider.KindOutcomeUnknown},
	}
	for _, tt := range tests {
		if got := HTTP(tt.status, tt.mutating); got != tt.want {
			t.Errorf("HTTP(%d, %v) = %v, want %v", tt.status, tt.mutating, got, tt.want)
		}
	}
}

func TestTransport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		x    Exchange
		want provider.Kind
	}{
		{Exchange{Mutating: true}, provider.KindOther},
		{Exchange{Mutating: true, CallerEnded: true}, provider.KindCanceled},
		{Exchange{Mutating: true, Started: true, CallerEnded: true}, provider.KindCanceled},
		{Exchange{Mutating: true, Started: true}, provider.KindUnavailable},
		{Exchange{Mutating: true, Started: true, MaybeSent: true}, provider.KindOutcomeUnknown},
		{Exchange{Mutating: true, Started: true, MaybeSent: true, CallerEnded: true}, provider.KindOutcomeUnknown},
		{Exchange{Started: true, MaybeSent: true}, provider.KindUnavailable},
		{Exchange{Started: true, MaybeSent: true, CallerEnded: true}, provider.KindUnavailable},
	}
	for _, tt := range tests {
		if got := Transport(tt.x); got != tt.want {
			t.Errorf("Transport(%+v) = %v, want %v", tt.x, got, tt.want)
		}
	}
}
