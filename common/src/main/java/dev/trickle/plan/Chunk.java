package dev.trickle.plan;

import java.util.Optional;

/**
 * One slice of a table that {@code load} copies and records on its own.
 *
 * @param id 1-based, stable for the life of a load
 * @param predicate selects the slice at the source: SQL of the source's dialect for JDBC, Spark
 *     SQL over source column names for file and table sources
 * @param targetPredicate the same slice as Spark SQL over the target's columns, where the slice can
 *     be told from target values (not for groups of files, nor when a column in it is cast or masked)
 * @param estimatedRows the planner's estimate
 */
public record Chunk(int id, String predicate, Optional<String> targetPredicate, long estimatedRows) {}
