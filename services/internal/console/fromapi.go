package console

import (
	"encoding/hex"
	"encoding/json"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/internal/backlog"
	"github.com/portalhub/portalhub/services/internal/compliance"
	"github.com/portalhub/portalhub/services/internal/feedback"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/internal/maintenance"
)

// The console reads its views through the admin API (OpsService, in
// process as the signed-in account: Server.ops), as hubctl does, so that
// one role check decides what each account may see. These turn the API's
// answers back into the values the templates were written for, so a page
// shows what it showed when it read the database itself.

// timeOf is a timestamp's time; the zero time for none.
func timeOf(t *timestamppb.Timestamp) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.AsTime()
}

// timePtr is a timestamp's time; nil for none.
func timePtr(t *timestamppb.Timestamp) *time.Time {
	if t == nil {
		return nil
	}
	v := t.AsTime()
	return &v
}

// dateOf reads a YYYY-MM-DD date of the API, a day in GMT+7; nil for "".
func dateOf(s string) *time.Time {
	d, err := time.ParseInLocation(time.DateOnly, s, compliance.Zone)
	if err != nil {
		return nil
	}
	return &d
}

func tenantOf(t *pb.Tenant) hubread.Tenant {
	return hubread.Tenant{ID: t.GetId(), Kind: t.GetKind(), NameVI: t.GetNameVi(), NameEN: t.GetNameEn(), NameRU: t.GetNameRu(),
		Status: t.GetStatus(), HomeURL: t.GetHomeUrl(), CreatedAt: timeOf(t.GetCreatedAt()), ParentID: t.GetParentId(),
		AddressVI: t.GetAddressVi(), AddressEN: t.GetAddressEn(), AddressRU: t.GetAddressRu(), Phone: t.GetPhone(), Fax: t.GetFax(),
		Email: t.GetEmail(), Responsible: t.GetResponsible(), Licence: t.GetLicence(),
		EstablishedOn: dateOf(t.GetEstablishedOn()), DissolvedOn: dateOf(t.GetDissolvedOn()), Hosts: t.GetHosts(),
		Successor: t.GetSuccessor(), RetiredPages: t.GetRetiredPages()}
}

func opsItemOf(it *pb.OpsItem) hubread.OpsItem {
	hash, _ := hex.DecodeString(it.GetContentHash())
	out := hubread.OpsItem{Tenant: it.GetTenantId(), ContentID: it.GetContentId(), Version: it.GetVersion(), Hash: hash,
		Kind: it.GetKind(), Category: it.GetCategory(), State: it.GetState(), PublishedAt: timeOf(it.GetPublishedAt()),
		UpdatedAt: timeOf(it.GetUpdatedAt()), Title: it.GetTitle(), TakenDownAt: timePtr(it.GetTakenDownAt()), Locales: it.GetLocales()}
	if out.TakenDownAt != nil {
		reason := it.GetTakedownReason()
		out.TakedownReason = &reason
	}
	return out
}

func opsItemsOf(its []*pb.OpsItem) []hubread.OpsItem {
	out := make([]hubread.OpsItem, len(its))
	for i, it := range its {
		out[i] = opsItemOf(it)
	}
	return out
}

func refusalsOf(rs []*pb.Refusal) []hubread.Refusal {
	out := make([]hubread.Refusal, len(rs))
	for i, r := range rs {
		out[i] = hubread.Refusal{Tenant: r.GetTenantId(), ContentID: r.GetContentId(), Version: r.GetVersion(), Reason: r.GetReason(),
			Field: r.GetField(), MessageEN: r.GetMessageEn(), MessageVI: r.GetMessageVi(), FirstAt: timeOf(r.GetFirstAt()),
			LastAt: timeOf(r.GetLastAt()), Times: int(r.GetTimes())}
	}
	return out
}

func auditEntriesOf(es []*pb.AuditEntry) []hubstore.AuditEntry {
	out := make([]hubstore.AuditEntry, len(es))
	for i, e := range es {
		prev, _ := hex.DecodeString(e.GetPrevHash())
		hash, _ := hex.DecodeString(e.GetHash())
		out[i] = hubstore.AuditEntry{Seq: e.GetSeq(), At: timeOf(e.GetAt()), Actor: e.GetActor(), Action: e.GetAction(),
			Subject: e.GetSubject(), Detail: json.RawMessage(e.GetDetailJson()), PrevHash: prev, Hash: hash}
		if t := e.GetTenantId(); t != "" {
			out[i].Tenant = &t
		}
	}
	return out
}

func outboxOf(b *pb.BacklogResponse) backlog.Outbox {
	out := backlog.Outbox{Pending: int(b.GetOutboxPending()), Oldest: timePtr(b.GetOutboxOldest()), MailQueue: int(b.GetMailQueued())}
	for _, r := range b.GetFailing() {
		out.Failing = append(out.Failing, backlog.OutboxRow{ID: r.GetId(), Subject: r.GetSubject(), Created: timeOf(r.GetCreatedAt()),
			Attempts: int(r.GetAttempts()), LastError: r.GetLastError()})
	}
	return out
}

func consumersOf(cs []*pb.StreamConsumer) []backlog.Consumer {
	out := make([]backlog.Consumer, len(cs))
	for i, c := range cs {
		out[i] = backlog.Consumer{Stream: c.GetStream(), Name: c.GetName(), Filter: c.GetFilter(), Pending: c.GetPending(),
			AckPending: int(c.GetAckPending()), Redelivered: int(c.GetRedelivered()), LastDelivered: timePtr(c.GetLastDelivered())}
	}
	return out
}

func overdueOf(qs []*pb.OverdueQuestion) []feedback.Overdue {
	out := make([]feedback.Overdue, len(qs))
	for i, q := range qs {
		out[i] = feedback.Overdue{ID: q.GetId(), Tenant: q.GetTenantId(), Topic: q.GetTopic(), Status: q.GetStatus(),
			SubmittedAt: timeOf(q.GetSubmittedAt())}
		if d := dateOf(q.GetDueOn()); d != nil {
			out[i].DueOn = *d
		}
	}
	return out
}

func advertsOf(as []*pb.Advert) []hubstore.Advert {
	out := make([]hubstore.Advert, len(as))
	for i, a := range as {
		out[i] = hubstore.Advert{ID: a.GetId(), Advertiser: a.GetAdvertiser(), Label: a.GetLabel(), URL: a.GetUrl(),
			ImageURL: a.GetImageUrl(), StartsAt: timeOf(a.GetStartsAt()), EndsAt: timeOf(a.GetEndsAt()),
			CreatedAt: timeOf(a.GetCreatedAt()), CreatedBy: a.GetCreatedBy()}
	}
	return out
}

func windowsOf(ws []*pb.MaintenanceWindow) []maintenance.Window {
	out := make([]maintenance.Window, len(ws))
	for i, w := range ws {
		out[i] = maintenance.Window{ID: w.GetId(), AnnounceFrom: timeOf(w.GetAnnounceFrom()), StartsAt: timeOf(w.GetStartsAt()),
			EndsAt: timeOf(w.GetEndsAt()), MessageVI: w.GetMessageVi(), MessageEN: w.GetMessageEn(), MessageRU: w.GetMessageRu(),
			CreatedBy: w.GetCreatedBy(), CreatedAt: timeOf(w.GetCreatedAt()), CancelledAt: timePtr(w.GetCancelledAt()),
			CancelledBy: w.GetCancelledBy()}
	}
	return out
}
