# One image for web, worker and migrations; which runs is the container's command.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY prisma/migrator/package.json prisma/migrator/package.json
RUN npm install --no-audit --no-fund --include=dev
COPY . .
RUN npx tsx scripts/prisma-generate.ts && npx react-router build
EXPOSE 3000
CMD ["node", "server.mjs"]
