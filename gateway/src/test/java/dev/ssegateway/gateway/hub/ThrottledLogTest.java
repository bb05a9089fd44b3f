package dev.ssegateway.gateway.hub;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

@DisplayName("ThrottledLog: a per-topic failure flood becomes a few lines and a count")
class ThrottledLogTest {

  @Test
  @DisplayName("16,000 failures in one window log 5 lines; the next window opens with one line counting the other 15,995")
  void floodIsCountedNotLogged() throws InterruptedException {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger logger = context.getLogger("throttled-log-test");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.setContext(context);
    lines.start();
    logger.addAppender(lines);
    try {
      ThrottledLog log = new ThrottledLog(logger, "Subscribing to topic failed", 5, 300);
      for (int i = 0; i < 16_000; i++) {
        log.warn("Subscribing to topic {} failed, retrying: {}", "t" + i, "timeout");
      }
      System.out.printf("[redis-noise] 16,000 subscription failures in one window: %d log lines%n", lines.list.size());
      assertThat(lines.list).hasSize(5);
      Thread.sleep(350);
      log.warn("Subscribing to topic {} failed, retrying: {}", "late", "timeout");
      assertThat(lines.list).hasSize(7);
      assertThat(lines.list.get(5).getFormattedMessage()).startsWith("15995 more 'Subscribing to topic failed' lines suppressed");
      assertThat(lines.list.get(6).getFormattedMessage()).contains("late");
    } finally {
      logger.detachAppender(lines);
    }
  }
}
