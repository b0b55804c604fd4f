package main

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// registry holds the registry flags of `tenants add` and `tenants set`.
type registry struct {
	parent, hosts, addressVI, addressEN, addressRU string
	phone, fax, email, responsible, licence        string
	established, dissolved                         string
}

func registryFlags(fs *flag.FlagSet) *registry {
	r := &registry{}
	fs.StringVar(&r.parent, "parent", "", "the unit this one belongs to (a tenant id; \"\" for none)")
	fs.StringVar(&r.hosts, "hosts", "", "host names of the sub-portal's own site, comma-separated, the primary first")
	fs.StringVar(&r.addressVI, "address-vi", "", "address in Vietnamese")
	fs.StringVar(&r.addressEN, "address-en", "", "address in English")
	fs.StringVar(&r.addressRU, "address-ru", "", "address in Russian")
	fs.StringVar(&r.phone, "phone", "", "telephone")
	fs.StringVar(&r.fax, "fax", "", "fax")
	fs.StringVar(&r.email, "email", "", "e-mail address")
	fs.StringVar(&r.responsible, "responsible", "", "the person responsible for the content, with their position")
	fs.StringVar(&r.licence, "licence", "", "the licence line the portal shows")
	fs.StringVar(&r.established, "established", "", "date the unit was established, YYYY-MM-DD (\"\" for none)")
	fs.StringVar(&r.dissolved, "dissolved", "", "date the unit was dissolved, YYYY-MM-DD (\"\" for none)")
	return r
}

// apply copies the registry flags given on the command line into dst, so
// that `tenants set` changes only what was asked.
func (r *registry) apply(fs *flag.FlagSet, dst *hubstore.Registry) error {
	var err error
	fs.Visit(func(f *flag.Flag) {
		if err != nil {
			return
		}
		switch f.Name {
		case "parent":
			dst.ParentID = r.parent
		case "hosts":
			dst.Hosts = nil
			for _, h := range strings.Split(r.hosts, ",") {
				if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
					dst.Hosts = append(dst.Hosts, h)
				}
			}
		case "address-vi":
			dst.AddressVI = r.addressVI
		case "address-en":
			dst.AddressEN = r.addressEN
		case "address-ru":
			dst.AddressRU = r.addressRU
		case "phone":
			dst.Phone = r.phone
		case "fax":
			dst.Fax = r.fax
		case "email":
			dst.Email = r.email
		case "responsible":
			dst.Responsible = r.responsible
		case "licence":
			dst.Licence = r.licence
		case "established":
			dst.EstablishedOn, err = parseDate("established", r.established)
		case "dissolved":
			dst.DissolvedOn, err = parseDate("dissolved", r.dissolved)
		}
	})
	return err
}

func parseDate(flagName, s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil, fmt.Errorf("--%s %q: ngày phải có dạng YYYY-MM-DD / want a date YYYY-MM-DD", flagName, s)
	}
	return &d, nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
