import { createDb } from "@virtfn/db";
import { seedDemo } from "@virtfn/core";
const db = createDb(process.env.DATABASE_URL ?? "");
console.log(await seedDemo(db, []));
await db.$disconnect();
