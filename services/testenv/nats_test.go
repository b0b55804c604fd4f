package testenv_test

import (
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/portalhub/portalhub/services/testenv"
)

func TestNATSJetStream(t *testing.T) {
	nc, err := nats.Connect(testenv.NATS(t))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "TESTENV", Subjects: []string{"testenv.>"}})
	if err != nil {
		t.Fatal(err)
	}
	defer js.DeleteStream(ctx, "TESTENV")
	if _, err := js.Publish(ctx, "testenv.hello", []byte("xin chào")); err != nil {
		t.Fatal(err)
	}
	cons, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{AckPolicy: jetstream.AckExplicitPolicy})
	if err != nil {
		t.Fatal(err)
	}
	batch, err := cons.Fetch(1, jetstream.FetchMaxWait(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for msg := range batch.Messages() {
		got = append(got, msg.Subject()+" "+string(msg.Data()))
		msg.Ack()
	}
	if len(got) != 1 || got[0] != "testenv.hello xin chào" {
		t.Errorf("fetched %q, want [\"testenv.hello xin chào\"]", got)
	}
}
