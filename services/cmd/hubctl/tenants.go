package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// tenantFlags declares the flags of a tenant's names and kind, as `tenants
// add` and `tenants set` take them, into t.
func tenantFlags(fs *flag.FlagSet, t *hubstore.Tenant) {
	fs.StringVar(&t.ID, "id", "", "tenant id: a-z, 0-9 and -, e.g. so-gd")
	fs.StringVar(&t.Kind, "kind", "", "province, department, commune, ward, special_zone, district or other")
	fs.StringVar(&t.NameVI, "name-vi", "", "name in Vietnamese (required)")
	fs.StringVar(&t.NameEN, "name-en", "", "name in English")
	fs.StringVar(&t.NameRU, "name-ru", "", "name in Russian")
	fs.StringVar(&t.HomeURL, "home-url", "", "the sub-portal's own site")
}

func addTenant(fs *flag.FlagSet) action {
	var tn hubstore.Tenant
	tenantFlags(fs, &tn)
	reg := registryFlags(fs)
	return func(ctx context.Context, s *session) error {
		if err := reg.apply(fs, &tn.Registry); err != nil {
			return usageError{err}
		}
		if err := s.store.AddTenant(ctx, s.actor, tn); err != nil {
			return err
		}
		fmt.Fprintf(s.stdout, "Đã thêm đơn vị / tenant added: %s\n", tn.ID)
		return nil
	}
}

// setTenant changes only what the flags given say.
func setTenant(fs *flag.FlagSet) action {
	var flags hubstore.Tenant
	tenantFlags(fs, &flags)
	reg := registryFlags(fs)
	return func(ctx context.Context, s *session) error {
		tn, err := s.store.Tenant(ctx, flags.ID)
		if err != nil {
			return err
		}
		for name, v := range map[string]struct {
			dst *string
			val string
		}{"kind": {&tn.Kind, flags.Kind}, "name-vi": {&tn.NameVI, flags.NameVI}, "name-en": {&tn.NameEN, flags.NameEN},
			"name-ru": {&tn.NameRU, flags.NameRU}, "home-url": {&tn.HomeURL, flags.HomeURL}} {
			if s.given(name) {
				*v.dst = v.val
			}
		}
		if err := reg.apply(fs, &tn.Registry); err != nil {
			return usageError{err}
		}
		if err := s.store.UpdateTenant(ctx, s.actor, tn); err != nil {
			return err
		}
		fmt.Fprintf(s.stdout, "Đã cập nhật đơn vị / tenant updated: %s\n", tn.ID)
		return nil
	}
}

func listTenants(*flag.FlagSet) action {
	return func(ctx context.Context, s *session) error {
		ts, err := s.store.ListTenants(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tKIND\tSTATUS\tPARENT\tNAME_VI\tNAME_EN\tHOSTS\tHOME_URL")
		for _, t := range ts {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Kind, t.Status, orDash(t.ParentID), t.NameVI, t.NameEN,
				orDash(strings.Join(t.Hosts, ",")), orDash(t.HomeURL))
		}
		return w.Flush()
	}
}

func setTenantStatus(fs *flag.FlagSet) action {
	id := fs.String("id", "", "tenant id")
	status := fs.String("status", "", "active, suspended or retired")
	return func(ctx context.Context, s *session) error {
		if err := s.store.SetTenantStatus(ctx, s.actor, *id, *status); err != nil {
			return err
		}
		fmt.Fprintf(s.stdout, "Đơn vị %s: %s / tenant %s is now %s\n", *id, *status, *id, *status)
		return nil
	}
}
