package dev.ssegateway.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Admission counts: exact under contention, released once")
class AdmissionUnitTest {

  @Test
  @DisplayName("8 threads x 1,000 attempts at a limit of 100: exactly 100 places; releasing twice gives back one")
  void exactUnderContention() throws InterruptedException {
    Admission admission = new Admission(100, 0);
    ConcurrentLinkedQueue<Admission.Ticket> held = new ConcurrentLinkedQueue<>();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 1000; i++) {
          Admission.Ticket ticket = admission.tryAdmit("a" + (i % 7));
          if (ticket.refusal() == null) {
            held.add(ticket);
          }
        }
      });
      thread.start();
      threads.add(thread);
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertThat(held).hasSize(100);
    assertThat(admission.held()).isEqualTo(100);
    Admission.Ticket one = held.poll();
    one.release();
    one.release();
    assertThat(admission.held()).isEqualTo(99);
    held.forEach(Admission.Ticket::release);
    assertThat(admission.held()).isZero();
  }

  @Test
  @DisplayName("per address: the limit holds per address, refusals keep nothing, the map empties")
  void perAddress() {
    Admission admission = new Admission(1000, 2);
    Admission.Ticket a1 = admission.tryAdmit("a");
    Admission.Ticket a2 = admission.tryAdmit("a");
    Admission.Ticket a3 = admission.tryAdmit("a");
    Admission.Ticket b1 = admission.tryAdmit("b");
    assertThat(a3.refusal()).isEqualTo(Admission.Refusal.ADDRESS_FULL);
    assertThat(b1.refusal()).isNull();
    assertThat(admission.held()).isEqualTo(3);
    a3.release();
    assertThat(admission.held()).isEqualTo(3);
    a1.release();
    a2.release();
    b1.release();
    assertThat(admission.held()).isZero();
    assertThat(admission.addresses()).isZero();
  }
}
