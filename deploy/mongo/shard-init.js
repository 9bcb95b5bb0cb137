// Written by `python -m devstack.shards` from its SHARD_KEYS: edit that, not this file.
// Idempotent: shardCollection on an already sharded collection with the same key is a no-op.
sh.enableSharding("orders");
sh.shardCollection("orders.orders", {"user_id": 1});  // placing (idempotency lookup) and listing name the customer
sh.shardCollection("orders.inbox", {"_id": "hashed"});  // a consumer looks up one event id
sh.enableSharding("inventory");
sh.shardCollection("inventory.stock", {"_id": "hashed"});  // one SKU a reservation line
sh.shardCollection("inventory.reservations", {"_id": "hashed"});  // _id is the order id the saga events carry
sh.shardCollection("inventory.inbox", {"_id": "hashed"});  // a consumer looks up one event id
sh.enableSharding("payments");
sh.shardCollection("payments.charges", {"_id": "hashed"});  // _id is the order id the saga events carry
sh.shardCollection("payments.payment_methods", {"_id": "hashed"});  // looked up by token
sh.shardCollection("payments.inbox", {"_id": "hashed"});  // a consumer looks up one event id
sh.enableSharding("notifications");
sh.shardCollection("notifications.deliveries", {"_id": "hashed"});  // one delivery per event
sh.shardCollection("notifications.inbox", {"_id": "hashed"});  // a consumer looks up one event id
sh.enableSharding("users");
sh.shardCollection("users.profiles", {"_id": "hashed"});  // _id is the user id every profile call names
