package broker

import (
	"errors"
	"fmt"
	"strings"

	"github.com/certbroker/certbroker/provider"
)

// Resolve turns user input into a Ref. Input with a colon is parsed as
// "origin:id"; its origin must be registered, and when the origin's
// provider implements [provider.IDChecker] the ID must have its shape. A bare ID (no colon) is
// offered to every registered origin whose provider implements
// [provider.IDChecker]; it resolves when exactly one of them claims it.
// When none or several do (two accounts of one cloud share an ID shape),
// the error, of kind [provider.KindInvalidArgument], names the candidates
// and asks for the origin:id form. Resolve makes no call.
func (b *Broker) Resolve(s string) (provider.Ref, error) {
	if strings.Contains(s, ":") {
		ref, err := provider.ParseRef(s)
		if err != nil {
			return provider.Ref{}, err
		}
		o, perr := b.route(ref, "")
		if perr != nil {
			return provider.Ref{}, perr
		}
		if o.idChecker != nil {
			if err := o.idChecker.CheckID(ref.ID); err != nil {
				return provider.Ref{}, idError(ref, err)
			}
		}
		return ref, nil
	}
	if err := provider.ValidateID(s); err != nil {
		return provider.Ref{}, err
	}
	reg := b.origins.Load()
	var claims, blind []string
	for _, name := range reg.names {
		o := reg.byName[name]
		switch {
		case o.idChecker == nil:
			blind = append(blind, name)
		case o.idChecker.CheckID(s) == nil:
			claims = append(claims, name)
		}
	}
	if len(claims) == 1 {
		return provider.Ref{Origin: claims[0], ID: s}, nil
	}
	var msg string
	if len(claims) == 0 {
		msg = fmt.Sprintf("no registered origin recognises ID %q (registered: %s)", s, listOrigins(reg.names))
		if len(blind) > 0 {
			msg += fmt.Sprintf("; %s cannot check IDs", strings.Join(blind, ", "))
		}
	} else {
		msg = fmt.Sprintf("ID %q matches several origins: %s", s, strings.Join(claims, ", "))
	}
	return provider.Ref{}, &provider.Error{Kind: provider.KindInvalidArgument, ID: s, Message: msg + "; write origin:id"}
}

// idError reports that ref's origin refused its ID: the provider's own
// error, named after the registered origin and of kind
// KindInvalidArgument.
func idError(ref provider.Ref, err error) *provider.Error {
	e := &provider.Error{Message: err.Error()}
	if pe, ok := errors.AsType[*provider.Error](err); ok {
		c := *pe
		e = &c
	}
	e.Kind, e.Origin, e.ID = provider.KindInvalidArgument, ref.Origin, ref.ID
	return e
}
