package main

import (
	"github.com/certbroker/certbroker/alibaba"
	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/huawei"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// cloud is one emulator with its adapter and seeded orders.
type cloud struct {
	origin string
	p      provider.Provider
	ids    []string
	// throttled counts the emulator's throttling answers and all requests.
	throttled func() (throttled, total int)
	// renewals counts the orders the emulator created by renewal.
	renewals func() int
	close    func()
}

// env holds both clouds.
type env struct{ clouds []*cloud }

// newEnv starts both emulators with p's latency and quotas, seeds p.n
// expiring orders on each and builds the adapters.
func newEnv(p params) (*env, error) {
	ali, err := newAlibabaCloud(p)
	if err != nil {
		return nil, err
	}
	hw, err := newHuaweiCloud(p)
	if err != nil {
		ali.close()
		return nil, err
	}
	return &env{clouds: []*cloud{ali, hw}}, nil
}

func (e *env) close() {
	for _, c := range e.clouds {
		c.close()
	}
}

// refs interleaves the clouds' orders, one of each in turn.
func (e *env) refs() []provider.Ref {
	var out []provider.Ref
	for i := 0; ; i++ {
		added := false
		for _, c := range e.clouds {
			if i < len(c.ids) {
				out = append(out, provider.Ref{Origin: c.origin, ID: c.ids[i]})
				added = true
			}
		}
		if !added {
			return out
		}
	}
}

func newAlibabaCloud(p params) (*cloud, error) {
	s := alibabatest.NewServer()
	c := &cloud{origin: "alibaba", close: s.Close}
	for range p.n {
		c.ids = append(c.ids, s.Seed(provider.StateExpiring))
	}
	s.InjectFault(alibabatest.Fault{Kind: alibabatest.FaultLatency, Latency: p.latency})
	s.SetQPS(alibabatest.ActionRenew, p.qps)
	a, err := alibaba.New(alibaba.Config{Endpoint: s.URL(),
		AccessKeyID: s.AccessKeyID(), AccessKeySecret: s.AccessKeySecret()},
		alibaba.WithPoolSize(p.concurrency))
	if err != nil {
		s.Close()
		return nil, err
	}
	c.p = a
	c.throttled = func() (int, int) {
		return count(s.Requests(), func(r alibabatest.Request) bool { return r.Code == "Throttling.User" })
	}
	c.renewals = func() int { return len(s.Renewals()) }
	return c, nil
}

func newHuaweiCloud(p params) (*cloud, error) {
	s := huaweitest.NewServer()
	c := &cloud{origin: "huawei", close: s.Close}
	for range p.n {
		c.ids = append(c.ids, s.Seed(provider.StateExpiring))
	}
	s.InjectFault(huaweitest.Fault{Kind: huaweitest.FaultLatency, Latency: p.latency})
	s.SetQPS(huaweitest.ActionPurchase, p.qps)
	if p.quotaAll {
		s.SetQPS(huaweitest.ActionDetails, p.qps)
		s.SetQPS(huaweitest.ActionList, p.qps)
	}
	a, err := huawei.New(huawei.Config{Endpoint: s.URL(), ProjectID: s.ProjectID(),
		AK: s.AccessKeyID(), SK: s.AccessKeySecret(), RenewByPurchase: true})
	if err != nil {
		s.Close()
		return nil, err
	}
	c.p = a
	c.throttled = func() (int, int) {
		return count(s.Requests(), func(r huaweitest.Request) bool { return r.Code == "APIGW.0308" })
	}
	c.renewals = func() int { return len(s.Purchases()) }
	return c, nil
}

// count returns how many of reqs satisfy hit, and how many there are.
func count[R any](reqs []R, hit func(R) bool) (n, total int) {
	for _, r := range reqs {
		if hit(r) {
			n++
		}
	}
	return n, len(reqs)
}
