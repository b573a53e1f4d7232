package huaweitest

import (
	"fmt"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// Seed creates a certificate in normalized state st, out of band, in the
// default project, and returns its ID. The native form:
//
//	PendingApplication  PAID
//	UnderReview         CHECKING
//	Cancelling          CANCELCHECKING
//	Cancelled           PAID with Cancelled set
//	ReviewFailed        UNPASSED
//	Issued              ISSUED, NotAfter one year ahead
//	Expiring            ISSUED, NotAfter 15 days ahead, purchased (renewable)
//	Revoking            REVOKING
//	Revoked             REVOKED
//	Expired             EXPIRED, NotAfter 10 days ago
//	Hosted              UPLOAD, uploaded
//
// Every seeded certificate is an OV_SSL_CERT, GLOBALSIGN, SINGLE_DOMAIN
// certificate with one domain. Seed panics for a state not in States.
func (s *Server) Seed(st provider.State) string {
	return s.SeedCert(s.certFor(st))
}

// SeedListed is Seed with a chosen NotAfter and domains, for listing
// tests: the first domain is the primary one, and more than one makes a
// MULTI_DOMAIN certificate with that many domains. A zero notAfter keeps
// Seed's. It panics as Seed does, and for a state whose status has no
// expiry (pending application, under review, review failed, cancelling,
// cancelled) given a non-zero notAfter.
//
// An issued or expiring certificate given a notAfter already past stays
// ISSUED, as if SCM had not yet swept it to EXPIRED (how soon SCM does is
// [unverified]; the adapter reads ISSUED past expiry as expiring); other
// certificates turn EXPIRED at their expiry as usual.
func (s *Server) SeedListed(st provider.State, notAfter time.Time, domains ...string) string {
	c := s.certFor(st)
	if !notAfter.IsZero() {
		if c.NotAfter.IsZero() {
			panic(fmt.Sprintf("huaweitest: SeedListed: a certificate in state %v has no expiry", st))
		}
		c.NotAfter = notAfter
	}
	if len(domains) > 0 {
		c.DomainName, c.AltNames = domains[0], domains[1:]
		if len(domains) > 1 {
			c.DomainType, c.DomainCount = "MULTI_DOMAIN", len(domains)
		}
	}
	id := s.SeedCert(c)
	if c.Status == StatusIssued {
		s.mu.Lock()
		s.certs[id].sweepLate = true
		s.mu.Unlock()
	}
	return id
}

// certFor is the certificate Seed creates in state st.
func (s *Server) certFor(st provider.State) Cert {
	now := s.now()
	year := now.Add(365 * 24 * time.Hour)
	c := Cert{Source: SourcePurchased}
	switch st {
	case provider.StatePendingApplication:
		c.Status = StatusPaid
	case provider.StateUnderReview:
		c.Status = StatusChecking
	case provider.StateCancelling:
		c.Status = StatusCancelChecking
	case provider.StateCancelled:
		c.Status, c.Cancelled = StatusPaid, true
	case provider.StateReviewFailed:
		c.Status = StatusUnpassed
	case provider.StateIssued:
		c.Status, c.NotAfter = StatusIssued, year
	case provider.StateExpiring:
		c.Status, c.NotAfter = StatusIssued, now.Add(15*24*time.Hour)
	case provider.StateRevoking:
		c.Status, c.NotAfter = StatusRevoking, year
	case provider.StateRevoked:
		c.Status, c.NotAfter = StatusRevoked, year
	case provider.StateExpired:
		c.Status, c.NotAfter = StatusExpired, now.Add(-10*24*time.Hour)
	case provider.StateHosted:
		c.Status, c.NotAfter, c.Source = StatusUpload, year, SourceUploaded
	default:
		panic(fmt.Sprintf("huaweitest: Seed cannot create a certificate in state %v", st))
	}
	return c
}

// SeedCert adds c, out of band, and returns its ID. Empty fields get
// defaults: a generated ID and OrderID, the default project, status PAID,
// brand GLOBALSIGN, type OV_SSL_CERT, SINGLE_DOMAIN with one domain (two
// for MULTI_DOMAIN), a generated domain and name, one year of validity,
// source purchased (uploaded for UPLOAD), and for an issued, revoking,
// revoked, hosted or supplement status a NotAfter one year ahead (ten days
// ago for EXPIRED). Pending statuses start their settle delay now.
//
// SeedCert panics on a programming error: a malformed or already used ID,
// an unknown status, project or source, or Cancelled without status PAID.
func (s *Server) SeedCert(c Cert) string {
	now := s.now()
	c = c.clone()
	if c.Status == "" {
		c.Status = StatusPaid
	}
	if !knownStatus(c.Status) {
		panic(fmt.Sprintf("huaweitest: SeedCert: unknown status %q", c.Status))
	}
	if c.Cancelled && c.Status != StatusPaid {
		panic("huaweitest: SeedCert: Cancelled needs status PAID")
	}
	if c.ProjectID == "" {
		c.ProjectID = s.ProjectID()
	} else if !s.knownProject(c.ProjectID) {
		panic(fmt.Sprintf("huaweitest: SeedCert: unknown project %q", c.ProjectID))
	}
	switch c.Source {
	case "":
		c.Source = SourcePurchased
		if c.Status == StatusUpload {
			c.Source = SourceUploaded
		}
	case SourcePurchased, SourceUploaded, SourceFree:
	default:
		panic(fmt.Sprintf("huaweitest: SeedCert: unknown source %q", c.Source))
	}
	fillSpec(&c)
	if c.NotAfter.IsZero() {
		switch c.Status {
		case StatusIssued, StatusRevoking, StatusRevoked, StatusUpload, StatusSupplementChecking, StatusCancelSupplementing, StatusCancelRevoking:
			c.NotAfter = now.Add(365 * 24 * time.Hour)
		case StatusExpired:
			c.NotAfter = now.Add(-10 * 24 * time.Hour)
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if c.ID == "" {
		c.ID = s.newCertIDLocked()
	} else if !validCertID(c.ID) || s.usedIDs[c.ID] {
		panic(fmt.Sprintf("huaweitest: SeedCert: cert ID %q is malformed or already used", c.ID))
	} else {
		s.usedIDs[c.ID] = true
	}
	if c.OrderID == "" {
		c.OrderID = s.newOrderIDLocked(now)
	}
	s.seq++
	if c.DomainName == "" {
		c.DomainName = fmt.Sprintf("www%d.example.com", s.seq)
	}
	if c.Name == "" {
		c.Name = "cert-" + c.ID[len(c.ID)-6:]
	}
	rec := &cert{Cert: c, seq: s.seq, updated: now, pendingSince: now}
	s.certs[c.ID] = rec
	return c.ID
}

// fillSpec gives empty spec fields their defaults.
func fillSpec(c *Cert) {
	if c.Source == SourceFree {
		// The free certificate is DigiCert DV (Basic), single domain
		// (user guide, 手动续费; CCM FAQ ccm_01_0230; fidelity H10). The
		// brand's spelling in the API is [unverified].
		if c.Brand == "" {
			c.Brand = freeBrand
		}
		if c.Type == "" {
			c.Type = freeType
		}
		if c.DomainType == "" {
			c.DomainType = "SINGLE_DOMAIN"
		}
	}
	if c.Brand == "" {
		c.Brand = "GLOBALSIGN"
	}
	if c.Type == "" {
		c.Type = "OV_SSL_CERT"
	}
	if c.DomainType == "" {
		c.DomainType = "SINGLE_DOMAIN"
	}
	if c.DomainCount == 0 {
		c.DomainCount = 1
		if c.DomainType == "MULTI_DOMAIN" {
			c.DomainCount = 2
		}
	}
	if c.EffectiveTime == 0 {
		c.EffectiveTime = 1
	}
}

// States lists the normalized states Seed can create, in the order of
// provider.States.
func States() []provider.State {
	return []provider.State{
		provider.StatePendingApplication, provider.StateUnderReview, provider.StateReviewFailed,
		provider.StateCancelling, provider.StateCancelled, provider.StateIssued, provider.StateExpiring,
		provider.StateRevoking, provider.StateRevoked, provider.StateExpired, provider.StateHosted,
	}
}

// Cert returns a copy of certificate id, after any due transition; false
// when it does not exist (never did, or was deleted).
func (s *Server) Cert(id string) (Cert, bool) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.certs[id]
	if !ok {
		return Cert{}, false
	}
	s.refreshLocked(c, now)
	return c.clone(), true
}

// State returns the normalized state of certificate id, out of band (see
// Seed for the mapping; ISSUED and the supplement statuses are Expiring
// when the certificate is purchased and at most ExpiringWindow from
// NotAfter, else Issued); false when it does not exist.
func (s *Server) State(id string) (provider.State, bool) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.certs[id]
	if !ok {
		return provider.StateUnknown, false
	}
	s.refreshLocked(c, now)
	return c.normalize(now), true
}

// Settle completes the pending transition of certificate id now:
// CANCELCHECKING -> PAID (Cancelled), or ISSUED when the withdrawal fails
// late (WithLateCancelFailure, FailCancel); CANCELSUPPLEMENTING and
// CANCLEREVOKING -> ISSUED; REVOKING -> REVOKED. It does nothing for other statuses or unknown IDs.
func (s *Server) Settle(id string) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.certs[id]; ok {
		c.settle(now)
		s.refreshLocked(c, now)
	}
}

// FailCancel decides, on demand, that the pending withdrawal of
// certificate id fails late: a certificate in CANCELCHECKING settles to
// ISSUED instead of PAID (when Settle, SettleAll or the settle delay
// completes it). It reports whether id was in CANCELCHECKING.
func (s *Server) FailCancel(id string) bool {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.certs[id]
	if !ok {
		return false
	}
	s.refreshLocked(c, now)
	if c.Status != StatusCancelChecking {
		return false
	}
	c.cancelFails = true
	return true
}

// SettleAll completes every pending transition now.
func (s *Server) SettleAll() {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.certs {
		c.settle(now)
		s.refreshLocked(c, now)
	}
}

// UnknownID returns a well-formed cert ID that names no certificate and
// never will.
func (s *Server) UnknownID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newCertIDLocked()
}

// refreshLocked applies the transitions that are due at now: a pending
// status (CANCELCHECKING, CANCELSUPPLEMENTING, REVOKING, CANCLEREVOKING)
// whose settle delay (WithSettleDelay) has passed, and the expiry of an
// issued certificate whose NotAfter has passed. It runs lazily, whenever
// the emulator is consulted (any request, State, Cert, Settle), so a fake
// clock given to WithClock drives it without goroutines or timers; without
// a delay, pending transitions wait for Settle or SettleAll.
func (s *Server) refreshLocked(c *cert, now time.Time) {
	if d := s.cfg.settleDelay; d > 0 && isPending(c.Status) && !now.Before(c.pendingSince.Add(d)) {
		c.settle(now)
	}
	if c.Status == StatusIssued && !c.NotAfter.IsZero() && !now.Before(c.NotAfter) && !c.sweepLate {
		c.setStatus(StatusExpired, now)
	}
}

// lookupLocked finds certificate id in project, refreshed.
func (s *Server) lookupLocked(project, id string, now time.Time) (*cert, *apiError) {
	c, ok := s.certs[id]
	if !ok || c.ProjectID != project {
		return nil, errNoCert()
	}
	s.refreshLocked(c, now)
	return c, nil
}

// validCertID reports whether id is "scs" followed by 13 digits.
func validCertID(id string) bool {
	if len(id) != 16 || id[:3] != "scs" {
		return false
	}
	for i := 3; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}

// newCertIDLocked returns a fresh, never used cert ID and reserves it.
func (s *Server) newCertIDLocked() string {
	for {
		id := fmt.Sprintf("scs%013d", 1_000_000_000_000+s.idRNG.Int64N(9_000_000_000_000))
		if !s.usedIDs[id] {
			s.usedIDs[id] = true
			return id
		}
	}
}

// newOrderIDLocked returns a fresh order ID shaped like CS1803192259ROA8U:
// "CS", the time as yyMMddHHmm, and five random characters.
func (s *Server) newOrderIDLocked(now time.Time) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	for {
		b := []byte("CS" + now.UTC().Format("0601021504") + "00000")
		for i := len(b) - 5; i < len(b); i++ {
			b[i] = alphabet[s.idRNG.IntN(len(alphabet))]
		}
		if id := string(b); !s.orderIDs[id] {
			s.orderIDs[id] = true
			return id
		}
	}
}
