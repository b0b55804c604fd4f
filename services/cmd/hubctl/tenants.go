package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// tenantFields are the flags of a tenant's fields, each with the field of
// pb.Tenant it sets (the path of UpdateTenant's mask) and its help.
var tenantFields = []struct{ flag, field, help string }{
	{"kind", "kind", "province, department, commune, ward, special_zone, district or other"},
	{"name-vi", "name_vi", "name in Vietnamese"},
	{"name-en", "name_en", "name in English"},
	{"name-ru", "name_ru", "name in Russian"},
	{"home-url", "home_url", "the sub-portal's own site"},
	{"parent", "parent_id", "the unit this one belongs to (a tenant id; \"\" for none)"},
	{"hosts", "hosts", "host names of the sub-portal's own site, comma-separated, the primary first (\"\" for none)"},
	{"address-vi", "address_vi", "address in Vietnamese"},
	{"address-en", "address_en", "address in English"},
	{"address-ru", "address_ru", "address in Russian"},
	{"phone", "phone", "telephone"},
	{"fax", "fax", "fax"},
	{"email", "email", "e-mail address"},
	{"responsible", "responsible", "the person responsible for the content, with their position"},
	{"licence", "licence", "the licence line the portal shows"},
	{"established", "established_on", "date the unit was established, YYYY-MM-DD (\"\" for none)"},
	{"dissolved", "dissolved_on", "date the unit was dissolved, YYYY-MM-DD (\"\" for none)"},
}

// tenantFlags declares --id and the fields' flags; build makes the tenant
// of the flags given and the mask that names them.
func tenantFlags(fs *flag.FlagSet) (build func() (*pb.Tenant, []string)) {
	id := fs.String("id", "", "tenant id: a-z, 0-9 and -, e.g. so-gd")
	vals := map[string]*string{}
	for _, f := range tenantFields {
		vals[f.flag] = fs.String(f.flag, "", f.help)
	}
	return func() (*pb.Tenant, []string) {
		t := &pb.Tenant{Id: *id}
		var mask []string
		set := map[string]func(string){
			"kind": func(v string) { t.Kind = v }, "name_vi": func(v string) { t.NameVi = v },
			"name_en": func(v string) { t.NameEn = v }, "name_ru": func(v string) { t.NameRu = v },
			"home_url": func(v string) { t.HomeUrl = v }, "parent_id": func(v string) { t.ParentId = v },
			"address_vi": func(v string) { t.AddressVi = v }, "address_en": func(v string) { t.AddressEn = v },
			"address_ru": func(v string) { t.AddressRu = v }, "phone": func(v string) { t.Phone = v },
			"fax": func(v string) { t.Fax = v }, "email": func(v string) { t.Email = v },
			"responsible": func(v string) { t.Responsible = v }, "licence": func(v string) { t.Licence = v },
			"established_on": func(v string) { t.EstablishedOn = v }, "dissolved_on": func(v string) { t.DissolvedOn = v },
			"hosts": func(v string) {
				for _, h := range strings.Split(v, ",") {
					if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
						t.Hosts = append(t.Hosts, h)
					}
				}
			},
		}
		given := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
		for _, f := range tenantFields {
			if given[f.flag] {
				set[f.field](*vals[f.flag])
				mask = append(mask, f.field)
			}
		}
		return t, mask
	}
}

func addTenant(fs *flag.FlagSet) action {
	build := tenantFlags(fs)
	asJSON := fs.Bool("json", false, "write the tenant as JSON")
	return func(ctx context.Context, s *session) error {
		t, _ := build()
		resp, err := s.ops.AddTenant(ctx, &pb.AddTenantRequest{Tenant: t})
		if err != nil {
			return err
		}
		if *asJSON {
			return writeProto(s, resp.GetTenant())
		}
		fmt.Fprintf(s.stdout, "Đã thêm đơn vị / tenant added: %s\n", resp.GetTenant().GetId())
		return nil
	}
}

// updateTenant changes only the fields whose flags are given.
func updateTenant(fs *flag.FlagSet) action {
	build := tenantFlags(fs)
	asJSON := fs.Bool("json", false, "write the tenant as JSON")
	return func(ctx context.Context, s *session) error {
		t, mask := build()
		if len(mask) == 0 {
			return usageError{errors.New("không có gì để đổi: nêu ít nhất một trường (--name-vi, --hosts, ...) / nothing to change: give at least one field's flag")}
		}
		resp, err := s.ops.UpdateTenant(ctx, &pb.UpdateTenantRequest{Tenant: t, UpdateMask: &fieldmaskpb.FieldMask{Paths: mask}})
		if err != nil {
			return err
		}
		if *asJSON {
			return writeProto(s, resp.GetTenant())
		}
		fmt.Fprintf(s.stdout, "Đã cập nhật đơn vị / tenant updated: %s (%s)\n", t.GetId(), strings.Join(mask, ", "))
		return nil
	}
}

func listTenants(fs *flag.FlagSet) action {
	asJSON := fs.Bool("json", false, "write the tenants as JSON")
	query := fs.String("query", "", "only tenants whose id or name matches, ignoring case and diacritics")
	kind := fs.String("kind", "", "only tenants of this kind (province, department, district, commune, ward, special_zone, other)")
	state := fs.String("status", "", "only tenants in this state (active, suspended, retired)")
	return func(ctx context.Context, s *session) error {
		resp, err := s.ops.ListTenants(ctx, &pb.ListTenantsRequest{Query: *query, TenantKind: *kind, Status: *state})
		if err != nil {
			return err
		}
		if *asJSON {
			return writeProto(s, resp)
		}
		w := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tKIND\tSTATUS\tPARENT\tNAME_VI\tNAME_EN\tHOSTS\tHOME_URL")
		for _, t := range resp.GetTenants() {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.GetId(), t.GetKind(), t.GetStatus(), orDash(t.GetParentId()),
				printable(t.GetNameVi()), printable(t.GetNameEn()), orDash(strings.Join(t.GetHosts(), ",")), orDash(t.GetHomeUrl()))
		}
		return w.Flush()
	}
}

func showTenant(fs *flag.FlagSet) action {
	id := fs.String("id", "", "tenant id")
	asJSON := fs.Bool("json", false, "write the tenant as JSON")
	return func(ctx context.Context, s *session) error {
		resp, err := s.ops.GetTenant(ctx, &pb.GetTenantRequest{Id: *id})
		if err != nil {
			return err
		}
		if *asJSON {
			return writeProto(s, resp.GetTenant())
		}
		return writeTenant(s, resp.GetTenant())
	}
}

// writeTenant writes one tenant, a field a line.
func writeTenant(s *session, t *pb.Tenant) error {
	w := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
	created := "-"
	if t.GetCreatedAt() != nil {
		created = vnTime(t.GetCreatedAt().AsTime())
	}
	rows := [][2]string{
		{"id", t.GetId()}, {"status", t.GetStatus()}, {"kind", t.GetKind()}, {"name_vi", t.GetNameVi()},
		{"name_en", t.GetNameEn()}, {"name_ru", t.GetNameRu()}, {"home_url", t.GetHomeUrl()}, {"parent", t.GetParentId()},
		{"hosts", strings.Join(t.GetHosts(), ", ")}, {"address_vi", t.GetAddressVi()}, {"address_en", t.GetAddressEn()},
		{"address_ru", t.GetAddressRu()}, {"phone", t.GetPhone()}, {"fax", t.GetFax()}, {"email", t.GetEmail()},
		{"responsible", t.GetResponsible()}, {"licence", t.GetLicence()}, {"established", t.GetEstablishedOn()},
		{"dissolved", t.GetDissolvedOn()}, {"created", created},
	}
	if t.GetStatus() == "retired" {
		// Where its old URLs lead: the successor, and what its pages answer.
		rows = append(rows, [2]string{"successor", t.GetSuccessor()}, [2]string{"retired_pages", t.GetRetiredPages()})
	}
	for _, row := range rows {
		fmt.Fprintf(w, "%s\t%s\n", row[0], orDash(printable(row[1])))
	}
	return w.Flush()
}

// setTenantStatus is `tenants suspend` and `tenants resume`.
func setTenantStatus(suspend bool) func(fs *flag.FlagSet) action {
	return func(fs *flag.FlagSet) action {
		id := fs.String("id", "", "tenant id")
		asJSON := fs.Bool("json", false, "write the tenant as JSON")
		return func(ctx context.Context, s *session) error {
			var t *pb.Tenant
			if suspend {
				resp, err := s.ops.SuspendTenant(ctx, &pb.SuspendTenantRequest{Id: *id})
				if err != nil {
					return err
				}
				t = resp.GetTenant()
			} else {
				resp, err := s.ops.ResumeTenant(ctx, &pb.ResumeTenantRequest{Id: *id})
				if err != nil {
					return err
				}
				t = resp.GetTenant()
			}
			if *asJSON {
				return writeProto(s, t)
			}
			fmt.Fprintf(s.stdout, "Đơn vị %s: %s / tenant %s is now %s\n", t.GetId(), t.GetStatus(), t.GetId(), t.GetStatus())
			return nil
		}
	}
}
