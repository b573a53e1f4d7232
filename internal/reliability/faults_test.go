package reliability

import (
	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/internal/faultinject"
)

// share is the part of all requests one fault rule should hit.
type share struct {
	kind       faultinject.Kind
	afterApply bool
	part       float64
}

// faultMix is the mix of the fault matrix: 30% of requests in all, spread
// over every fault kind, before and after the state change. Hangs are
// rarer because each holds a request until the adapter's timeout.
func faultMix() []share {
	return []share{
		{faultinject.ServerError, false, 0.025},
		{faultinject.ServerError, true, 0.025},
		{faultinject.Unavailable, false, 0.03},
		{faultinject.Unavailable, true, 0.03},
		{faultinject.Throttle, false, 0.05},
		{faultinject.Reset, false, 0.03},
		{faultinject.Reset, true, 0.03},
		{faultinject.Hang, false, 0.005},
		{faultinject.Hang, true, 0.005},
		{faultinject.Malformed, false, 0.015},
		{faultinject.Malformed, true, 0.015},
		// A proxy in front of the cloud: code-less HTML pages.
		{faultinject.ProxyNotFound, false, 0.02},
		{faultinject.ProxyBadGateway, false, 0.01},
		{faultinject.ProxyBadGateway, true, 0.01},
	}
}

// renewMix is the mix for the request whose success creates an order
// (Alibaba's renew, Huawei's purchase): also 30%, but every fault that
// leaves the outcome unknown comes after the order was created, so that
// each renewal reported outcome-unknown did create one and the count of
// created orders can be checked exactly. Throttling is never applied.
func renewMix() []share {
	return []share{
		{faultinject.ServerError, true, 0.05},
		{faultinject.Unavailable, true, 0.05},
		{faultinject.Throttle, false, 0.06},
		{faultinject.ProxyNotFound, false, 0.01},
		{faultinject.ProxyBadGateway, true, 0.02},
		{faultinject.Reset, true, 0.05},
		{faultinject.Hang, true, 0.01},
		{faultinject.Malformed, true, 0.05},
	}
}

// rules turns a mix into fault rules for action. The engine tries rules
// in order and the first drawn wins, so each probability is conditional
// on the earlier rules not having been drawn.
func rules(action string, mix []share) []faultinject.Fault {
	var out []faultinject.Fault
	left := 1.0
	for _, s := range mix {
		out = append(out, faultinject.Fault{Action: action, Kind: s.kind, AfterApply: s.afterApply, Probability: s.part / left})
		left -= s.part
	}
	return out
}

// mixTotal is the part of requests a mix hits.
func mixTotal(mix []share) float64 {
	t := 0.0
	for _, s := range mix {
		t += s.part
	}
	return t
}

// injectMatrixFaults installs the matrix's faults on b: renewMix on the
// order-creating action, faultMix on every other action. Rules are per
// action (never "" for all) so that the renewal action gets only its own.
func injectMatrixFaults(b *backend) {
	var others []string
	switch b.cloud {
	case "alibaba":
		others = []string{alibabatest.ActionDescribe, alibabatest.ActionCancel, alibabatest.ActionRevoke,
			alibabatest.ActionDelete, alibabatest.ActionList}
	case "huawei":
		others = []string{huaweitest.ActionDetails, huaweitest.ActionList, huaweitest.ActionCancelCert,
			huaweitest.ActionRevoke, huaweitest.ActionDelete}
	}
	for _, f := range rules(b.renewAction, renewMix()) {
		b.inject(f)
	}
	for _, a := range others {
		for _, f := range rules(a, faultMix()) {
			b.inject(f)
		}
	}
}
