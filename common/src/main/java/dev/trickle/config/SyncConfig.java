package dev.trickle.config;

import java.time.Duration;
import java.util.Optional;

/**
 * How {@code sync} finds and applies changes.
 *
 * @param mode the resolved mode (auto already replaced by the source kind's default)
 * @param watermarkColumn watermark: a column that grows on every insert and update
 * @param lookback watermark: how far behind the last high-water mark to re-read
 * @param deletes watermark: how deletes are found
 * @param keyScanEvery deletes = key-scan: run it every N batches
 * @param softDeleteColumn deletes = soft: the column marking deleted rows
 * @param softDeleteValue deletes = soft: the value that marks a row deleted
 * @param cdcPath cdc: the folder of Debezium JSON event files
 * @param cdcDecimals cdc: how the events carry decimals (the connector's decimal.handling.mode)
 * @param schema what schema drift does
 * @param apply how a batch is written into the target
 */
public record SyncConfig(
    SyncMode mode,
    Optional<String> watermarkColumn,
    Duration lookback,
    DeleteDetection deletes,
    int keyScanEvery,
    Optional<String> softDeleteColumn,
    Optional<String> softDeleteValue,
    Optional<String> cdcPath,
    DecimalHandling cdcDecimals,
    SchemaPolicy schema,
    ApplyMethod apply) {}
