/** `npm run db:migrate`: creates the database if needed and applies pending migrations. */
import { databaseName, migrateDeploy } from "./lib/db-admin";

const url = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/xinyidai";
const output = await migrateDeploy(url);
console.log(output.trim().split("\n").filter((l) => l.trim()).slice(-3).join("\n"));
console.log(`Database ${databaseName(url)} is up to date.`);
